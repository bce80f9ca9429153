"""Is a saved index still the index of this corpus, built under today's rules?

`expected_settings` is everything that shapes what an index holds apart from the corpus
itself: the ingest rules (`bot/ingest/rules.py`: the tokenizer and the fingerprints of
the decoding, reading, cleaning, metadata and segmentation rules, see `bot/digest.py`)
and the BM25 parameters. The builder records it; the
opening check compares it. The corpus is compared by a cheap listing fingerprint (names,
sizes, mtimes) and, when that differs, by the content of every file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import IndexMismatch
from ..ingest.corpus import MAX_FILE_BYTES, CorpusListing, list_corpus
from ..ingest.rules import ingest_settings
from ..safe_io import TooLarge, read_regular
from .postings import BM25Params
from .store import IndexData


def expected_settings(
    params: BM25Params | None = None, encoder: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything that changes what the index holds, except the corpus itself. `encoder`:
    the sentence encoder's settings, or None for a lexical index (words only)."""
    return {
        "ingest": ingest_settings(),
        "bm25": (params or BM25Params()).to_json(),
        "encoder": encoder,
    }


Stats = Mapping[str, tuple[int, int, int]]  # file name -> (size, mtime_ns, ctime_ns)


def listing_fingerprint(listing: CorpusListing, seen: Stats | None = None) -> str:
    """Cheap fingerprint from names, sizes, mtimes and ctimes; no file is read. A build
    passes `seen`: each file's stat as it was just before its bytes were read, so an edit
    that lands during the build shows as a change at the next command. The ctime (the
    inode's change time) catches an edit of the same size whose mtime was put back
    (`touch -r`, a sync tool): no user can set it."""
    h = hashlib.sha256(listing.metadata_sha256.encode())
    folder = str(listing.folder)
    for name in listing.files:
        known = seen.get(name) if seen else None
        if known is not None:
            h.update(f"{name}\0{known[0]}\0{known[1]}\0{known[2]}\n".encode())
            continue
        try:  # os.stat on a string: Path objects cost more than the system call
            st = os.stat(os.path.join(folder, name))
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\n".encode())
        except OSError:
            h.update(f"{name}\0missing\n".encode())
    return h.hexdigest()


def content_fingerprint(listing: CorpusListing, known: Mapping[str, str] | None = None) -> str:
    """Fingerprint from the bytes of every article and of metadata.json. `known`: sha256
    digests already computed (a build hashes each file as it reads it), by file name.
    Files that are not regular or are too large to index are never read: their stat
    stands for them."""
    h = hashlib.sha256(listing.metadata_sha256.encode())
    for name in listing.files:
        digest = known.get(name) if known else None
        if digest is None:
            digest = _digest(listing.folder / name)
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()


def _digest(path: Path) -> str:
    try:
        data, _ = read_regular(path, MAX_FILE_BYTES, follow=True)
    except TooLarge:
        st = os.stat(path)
        return f"oversize:{st.st_size}:{st.st_mtime_ns}"
    except (OSError, ValueError):
        return "unreadable"
    return hashlib.sha256(data).hexdigest()


def built_params(data: IndexData) -> BM25Params:
    """The BM25 parameters the index records it was built with. Raises IndexMismatch."""
    return _recorded_params(data.params)


def _recorded_params(built: dict[str, Any]) -> BM25Params:
    settings = built.get("settings")
    recorded = settings.get("bm25") if isinstance(settings, dict) else None
    try:
        if not isinstance(recorded, dict):
            raise TypeError("not an object")
        return BM25Params(**recorded)
    except (TypeError, ValueError) as exc:
        raise IndexMismatch("index records no usable BM25 parameters") from exc


def check_fresh(
    data: IndexData,
    corpus_dir: Path,
    params: BM25Params | None = None,
    encoder: dict[str, Any] | None = None,
    content: bool = False,
) -> str | None:
    """Raise IndexMismatch when `data` was built with other rules or from another corpus,
    or, when `params` is given, with other BM25 parameters (else those it was built with
    are its own: an index built with k1 = 1.2 is not stale for that), or without the
    vectors of `encoder` when one is wanted (vectors not wanted are simply not used).
    Returns the corpus listing's new fingerprint when only its mtimes changed (else None),
    for `store.record_listing`."""
    return check_fresh_params(data.params, corpus_dir, params, encoder, content)


def check_fresh_params(
    built: dict[str, Any],
    corpus_dir: Path,
    params: BM25Params | None = None,
    encoder: dict[str, Any] | None = None,
    content: bool = False,
) -> str | None:
    """`check_fresh` on the params.json of a build (a cluster build has no IndexData)."""
    recorded = built.get("settings")
    built_encoder = recorded.get("encoder") if isinstance(recorded, dict) else None
    wanted = expected_settings(params or _recorded_params(built), built_encoder)
    if recorded != wanted:
        raise IndexMismatch("index was built with other tokenizer, rule or BM25 settings")
    if encoder is not None and built_encoder != encoder:
        raise IndexMismatch(
            "index has no sentence vectors"
            if built_encoder is None
            else "index was built with another sentence encoder"
        )
    listing, _ = list_corpus(corpus_dir)
    recorded = built.get("corpus")
    if not isinstance(recorded, dict):
        raise IndexMismatch("index records no corpus fingerprint")
    # Names, sizes and mtimes unchanged: fresh - unless `content` (index --check), which
    # reads every file, since an edit of the same size with its mtime put back looks the same.
    listed = listing_fingerprint(listing)
    if not content and recorded.get("listing_fingerprint") == listed:
        return None
    if recorded.get("content_fingerprint") != content_fingerprint(listing):
        raise IndexMismatch("the corpus changed since the index was built")
    # Same content under new mtimes (a `touch`, a copy): fresh, and the caller records the
    # new listing so the next open is stat-only again rather than reading every file.
    return listed if recorded.get("listing_fingerprint") != listed else None
