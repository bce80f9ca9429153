"""Hardening defect 2: an index too large to hash on every open (over 16 MiB) is changed in
place. Every quote, and the ids behind it, is still checked where it is read: the bot
notices, rebuilds with a one-line notice and answers from the fresh build - never a
changed quote, a wrong citation, a traceback or a silent "the articles don't say".

The bundled index is small, so these tests lower the hashing limit to 0: every open then
takes the large-index path, the one the attack used."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.index import integrity
from bot.index.folder import current_build
from bot.interfaces.cli import main

from .conftest import BUNDLED

QUESTION = "Who said Baghouz is free?"
TRUE = "Baghouz is free and the military victory"
SOURCE = "004_a765cca09a6260ef.txt"


def _quoted_sentence(build: Path) -> int:
    """The id of the sentence the answer quotes, found in the build's own files."""
    text = (build / "sent_text.bin").read_bytes()
    at = text.index(TRUE.encode())
    offsets = np.load(build / "sent_text_offsets.npy")
    return int(np.searchsorted(offsets, at, side="right") - 1)


def _edit_array(build: Path, name: str, change: Callable[[np.ndarray, int], None]) -> None:
    arr = np.load(build / f"{name}.npy", mmap_mode="r+")
    change(arr, _quoted_sentence(build))
    arr.flush()
    del arr


def _text(build: Path) -> None:
    path = build / "sent_text.bin"
    path.write_bytes(path.read_bytes().replace(b"Baghouz is free", b"Baghouz is lost"))


def _bad_byte(build: Path) -> None:
    path = build / "sent_text.bin"
    path.write_bytes(path.read_bytes().replace(b"Baghouz is free", b"Baghouz is \xfftee"))


def _doc_id(build: Path) -> None:
    def change(a: np.ndarray, s: int) -> None:
        a[s, 0] = (a[s, 0] + 1) % (a[:, 0].max() + 1)

    _edit_array(build, "sentences", change)


def _swapped_names(build: Path) -> None:
    path = build / "docs.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    first = next(i for i, r in enumerate(rows) if r["doc"] == SOURCE)
    other = (first + 1) % len(rows)
    rows[first]["doc"], rows[other]["doc"] = rows[other]["doc"], rows[first]["doc"]
    # The same bytes in another order: a same-size change, as an in-place edit would be.
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def _postings(value: float, name: str) -> Callable[[Path], None]:
    def damage(build: Path) -> None:
        _edit_array(build, name, lambda a, _: a.fill(value))

    return damage


DAMAGE = {
    "a quoted sentence's text": _text,
    "a 0xFF byte in a sentence": _bad_byte,
    "a sentence's doc_id": _doc_id,
    "docs.jsonl's names swapped": _swapped_names,
    "postings_indices 10**9": _postings(10**9, "postings_indices"),
    "postings_indices -1": _postings(-1, "postings_indices"),
    "NaN weights": _postings(float("nan"), "postings_weights"),
}


@pytest.fixture
def big_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bundled corpus, indexed, with opens that never hash the files (as over 16 MiB)."""
    monkeypatch.setattr(integrity, "VERIFY_MAX_BYTES", 0)
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert CliRunner().invoke(main, ["index", *args]).exit_code == 0
    return args


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_2_an_in_place_change_to_a_large_index_is_a_rebuild_not_a_wrong_quote(
    big_index: list[str], damage: str
) -> None:
    build = current_build(Path(big_index[3]))
    DAMAGE[damage](build)
    out = CliRunner().invoke(main, ["ask", QUESTION, *big_index])
    assert out.exit_code == 0 and out.exception is None, out.output
    assert TRUE in out.stdout and SOURCE in out.stdout  # the build's quote, rightly cited
    assert "Baghouz is lost" not in out.stdout
    assert out.stderr.count("Rebuilding the index") == 1, out.stderr
    assert current_build(Path(big_index[3])) != build  # and the damaged build is gone
    again = CliRunner().invoke(main, ["ask", QUESTION, *big_index])
    assert "Rebuilding" not in again.stderr and TRUE in again.stdout


def test_2_a_damaged_quote_in_a_read_only_index_is_one_line_not_a_wrong_quote(
    big_index: list[str],
) -> None:
    import os

    index = Path(big_index[3])
    build = current_build(index)
    _text(build)
    os.chmod(build, 0o555)
    os.chmod(index, 0o555)
    try:
        if os.access(build, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        out = CliRunner().invoke(main, ["ask", QUESTION, *big_index])
    finally:
        os.chmod(index, 0o755)
        os.chmod(build, 0o755)
    assert out.exit_code == 1 and "Baghouz is lost" not in out.stdout
    assert out.stderr.strip().count("\n") == 0 and "checksum" in out.stderr


def test_2_the_chat_goes_on_over_the_rebuilt_index(big_index: list[str]) -> None:
    _text(current_build(Path(big_index[3])))
    lines = f"{QUESTION}\nWho is Mustafa Bali?\n"
    out = CliRunner().invoke(main, ["chat", *big_index], input=lines)
    assert out.exit_code == 0 and out.exception is None, out.output
    assert TRUE in out.stdout and "Baghouz is lost" not in out.stdout
    assert out.stderr.count("Rebuilding the index") == 1


def _exchange() -> Callable[[Path, Path], None] | None:
    """renameat2(RENAME_EXCHANGE): two names swapped atomically (Linux), or None."""
    import ctypes
    import os

    libc = ctypes.CDLL(None, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return None
    at_fdcwd, exchange = -100, 2

    def swap(a: Path, b: Path) -> None:
        if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), exchange) != 0:
            raise OSError(ctypes.get_errno(), "renameat2")

    return swap


def test_1_a_symlink_swapped_in_during_a_build_never_leads_the_read_outside(
    tmp_path: Path,
) -> None:
    import threading

    from bot.index import store as index_store
    from bot.indexer.builder import build_index
    from bot.ingest.corpus import read_article

    swap = _exchange()
    if swap is None:
        pytest.skip("no renameat2 here")
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    (corpus / "sub").mkdir(parents=True)
    outside.mkdir()
    for i in range(100):  # same names, same sizes: only the words differ
        (corpus / "sub" / f"x{i:03d}.txt").write_text(f"Harbour News\n\nThe ferry sailed {i}.\n")
        (outside / f"x{i:03d}.txt").write_text(f"Harbour News\n\nThe OUTSI sailed {i}.\n")
    (corpus / "sublink").symlink_to(outside, target_is_directory=True)
    stop, swaps = threading.Event(), [0]

    def swapping() -> None:
        while not stop.is_set():
            swap(corpus / "sub", corpus / "sublink")
            swaps[0] += 1

    thread = threading.Thread(target=swapping)
    thread.start()
    try:
        read = []
        for _ in range(20):
            for i in range(100):
                # "outside the corpus folder", or gone mid-swap: skipped
                with contextlib.suppress(OSError, ValueError):
                    read.append(read_article(corpus, f"sub/x{i:03d}.txt").text)
        build_index(corpus, tmp_path / "index")
    finally:
        stop.set()
        thread.join()
    assert swaps[0] > 100 and read  # the race ran, and the files inside were read
    assert not [text for text in read if "OUTSI" in text]
    built = index_store.load(tmp_path / "index")
    assert b"OUTSI" not in bytes(built.sent_text)


def test_11_after_a_touch_only_the_first_ask_reads_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from bot.index import fresh

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert CliRunner().invoke(main, ["index", *args]).exit_code == 0
    reads = []
    real = fresh.content_fingerprint
    monkeypatch.setattr(
        fresh, "content_fingerprint", lambda listing: reads.append(1) or real(listing)
    )
    article = corpus / SOURCE
    os.utime(article, ns=(article.stat().st_atime_ns, article.stat().st_mtime_ns + 10**9))
    for _ in range(3):
        out = CliRunner().invoke(main, ["ask", QUESTION, *args])
        assert out.exit_code == 0 and TRUE in out.stdout and "Rebuilding" not in out.stderr
    assert len(reads) == 1  # the first ask read the files and found them unchanged


def test_cached_indexes_can_be_listed_and_pruned(tmp_path: Path) -> None:
    from .conftest import write

    runner = CliRunner()
    for name in ("keep", "gone"):  # folders not named "corpus": their indexes go to the cache
        write(tmp_path / name, "a.txt", f"Harbour News\n\nThe {name} ferry sailed on Monday.\n")
        assert runner.invoke(main, ["index", "--corpus", str(tmp_path / name)]).exit_code == 0
    shutil.rmtree(tmp_path / "gone")
    listed = runner.invoke(main, ["index", "--list"])
    assert listed.exit_code == 0 and "2 cached index(es)" in listed.stdout
    assert "1 prunable" in listed.stdout and "its corpus folder is gone" in listed.stdout
    pruned = runner.invoke(main, ["index", "--prune"])
    assert pruned.exit_code == 0 and "Pruned 1 cached index(es)" in pruned.stdout
    assert "removed gone-" in pruned.stdout
    after = runner.invoke(main, ["index", "--list"])
    assert "1 cached index(es)" in after.stdout and "0 prunable" in after.stdout
    asked = runner.invoke(
        main, ["ask", "When did the ferry sail?", "--corpus", str(tmp_path / "keep")]
    )
    assert "Rebuilding" not in asked.stderr and "keep ferry sailed" in asked.stdout
