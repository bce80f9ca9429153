"""Reading the corpus folder: article files, their encodings, and `metadata.json`.

This is the only module that reads article files. Every problem with a single file is a
warning that names it (the build summary lists them); only a missing or empty corpus
folder is an error.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..digest import rule_settings
from ..errors import CorpusError
from ..records import DocMeta
from ..safe_io import BENEATH, NotRegular, read_beneath, read_regular
from .found import Found, clip, date_of, valid_utf8, web_url
from .readers import SUFFIXES, read_bytes

METADATA_FILE = "metadata.json"
MAX_FILE_BYTES = 64 * 1024 * 1024  # larger files are skipped: not an article
MAX_METADATA_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64  # folders nested deeper than this are skipped with a note


@dataclass(frozen=True)
class RawArticle:
    name: str  # path relative to the corpus folder, with "/" separators
    text: str  # the article's text: decoded, and extracted from HTML or Markdown
    sha256: str
    decode_note: str | None  # e.g. "12 undecodable bytes replaced"
    decode_errors: int
    found: Found = field(default_factory=Found)  # metadata the file carries itself
    notes: tuple[str, ...] = ()  # what was dropped from that metadata, and why
    size: int = 0  # the file's size and mtime as seen just before its bytes were read:
    mtime_ns: int = 0  # what the index's freshness fingerprint records
    roles: Mapping[str, str] = field(default_factory=dict)  # non-body lines (roles.py)
    ctime_ns: int = 0  # fingerprinted too: the inode's change time, no user can set it back


@dataclass(frozen=True)
class CorpusListing:
    folder: Path
    files: tuple[str, ...]
    metadata: dict[str, DocMeta]
    metadata_sha256: str
    skipped: tuple[str, ...] = ()  # "name: reason" for files left out while listing


WHERE = "give one with --corpus DIR or NEWSQA_CORPUS"


def check_folder(folder: Path) -> None:
    """A one-line error naming the ways to point the bot at a corpus."""
    if not folder.exists():
        raise CorpusError(f"corpus folder not found: {folder} ({WHERE})")
    if not folder.is_dir():
        raise CorpusError(f"corpus path is a file, not a folder: {folder} ({WHERE})")


def no_articles(folder: Path) -> CorpusError:
    kinds = ", ".join(s for s in SUFFIXES if s not in (".htm", ".markdown"))
    return CorpusError(f"no articles ({kinds}) in {folder}")


def list_corpus(folder: Path) -> tuple[CorpusListing, list[str]]:
    """Article files under `folder` (recursively, sorted) and the parsed metadata."""
    check_folder(folder)
    warnings: list[str] = []
    names: list[str] = []
    skipped: list[str] = []
    root = folder.resolve()
    for rel, entry in _walk(root, skipped):
        if entry.is_symlink():
            problem = _symlink_problem(Path(entry.path), root)
        else:
            problem = None if entry.is_file(follow_symlinks=False) else _not_regular(entry)
        if problem:
            skipped.append(f"{rel}: {problem}")
        else:
            names.append(rel)
    meta, meta_sha, meta_warn = _read_metadata(root)
    warnings.extend(meta_warn)
    return CorpusListing(root, tuple(names), meta, meta_sha, tuple(skipped)), warnings


def _walk(root: Path, skipped: list[str]) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Article files under `root` as (relative posix name, entry), sorted, depth first
    like os.walk: files of a folder first, then its subfolders. Symlinked folders are not
    entered; hidden names are skipped. Directory entries carry their type, so a file costs
    no system call of its own (100,000 of them took seconds through Path objects).

    A folder that cannot be read (a root-owned lost+found), nested deeper than
    MAX_DEPTH, or whose path is too long for the OS is skipped with a note in `skipped`,
    as an unreadable file is; the walk keeps its own stack, so depth never recurses."""
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            files, dirs = _listing(folder, prefix, skipped)
        except OSError as exc:
            if not prefix:
                raise CorpusError(
                    f"cannot read the corpus folder {folder}: {exc.strerror}"
                ) from exc
            skipped.append(f"{prefix}: folder skipped ({exc.strerror or exc})")
            continue
        yield from files
        for d in sorted(dirs, key=lambda e: e.name, reverse=True):  # popped in name order
            sub = f"{prefix}{d.name}/"
            if sub.count("/") > MAX_DEPTH:
                skipped.append(f"{sub}: folder skipped (nested more than {MAX_DEPTH} deep)")
            else:
                stack.append((Path(d.path), sub))


def printable(name: str) -> str:
    """A file name as it can be shown: bytes that are not UTF-8 as escapes ("caf\\xe9")."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no byte stands for ("\ud800" from JSON)
        return name.encode("utf-8", "backslashreplace").decode("ascii")


def _listing(
    folder: Path, prefix: str, skipped: list[str]
) -> tuple[list[tuple[str, os.DirEntry[str]]], list[os.DirEntry[str]]]:
    """One folder's article files (sorted) and subfolders."""
    files: list[tuple[str, os.DirEntry[str]]] = []
    dirs: list[os.DirEntry[str]] = []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.startswith("."):
                continue
            if not valid_utf8(entry.name):  # an old zip's "caf\xe9.txt": bytes, not text
                skipped.append(
                    f"{printable(prefix + entry.name)}: its name is not UTF-8 (rename it)"
                )
                continue
            try:
                is_dir = entry.is_dir()  # follows symlinks, as os.walk classifies them
            except OSError:  # a symlink loop: listed, then skipped with its reason
                is_dir = False
            if is_dir:  # a symlink to a folder is neither entered nor read
                if not entry.is_symlink():
                    dirs.append(entry)
            elif entry.name.lower().endswith(SUFFIXES):
                files.append((prefix + entry.name, entry))
    files.sort(key=lambda f: f[1].name)
    return files, dirs


def _not_regular(entry: os.DirEntry[str]) -> str:
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return "unreadable"
    kind = "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
    return f"not a regular file ({kind})"


def _read_file(folder: Path, name: str) -> tuple[bytes, os.stat_result]:
    """The bytes of article `name`, which are never read from outside `folder`.

    Opened folder by folder with O_NOFOLLOW (`read_beneath`), so swapping a subfolder
    for a symlink mid-build cannot lead the read outside. A name with a symlink on its
    path is resolved, checked to stay inside, and its target opened the same way from
    the resolved root; a swap between the two is caught by that second open."""
    if not BENEATH:  # no O_NOFOLLOW or dir_fd (Windows): resolve, check, then open
        resolved = _inside(folder, name)
        return read_regular(resolved, MAX_FILE_BYTES, follow=True)
    try:
        return read_beneath(folder, name, MAX_FILE_BYTES)
    except NotRegular as exc:
        if str(exc) != "a symlink":
            raise
    root = folder.resolve()
    target = _inside(folder, name).relative_to(root).as_posix()
    try:
        return read_beneath(root, target, MAX_FILE_BYTES)
    except NotRegular as exc:
        if str(exc) == "a symlink":
            raise ValueError("a folder on its path was swapped for a symlink") from exc
        raise


def _inside(folder: Path, name: str) -> Path:
    """Where `folder`/`name` leads, which must be inside `folder` (ValueError if not)."""
    try:
        resolved = (folder / name).resolve(strict=True)  # FileNotFoundError if deleted
    except RuntimeError as exc:  # Python < 3.13 reports a symlink loop this way
        raise ValueError("symlink loop") from exc
    if not resolved.is_relative_to(folder.resolve()):
        raise ValueError("outside the corpus folder")  # "../x", or a symlink leading out
    return resolved


def _symlink_problem(path: Path, root: Path) -> str | None:
    """Why a symlinked article cannot be read, or None: corpus paths never escape the
    corpus folder, and loops or dangling links are skipped with a reason."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symlink loop"
    except OSError as exc:
        return "symlink loop" if exc.errno == errno.ELOOP else "dangling symlink"
    if not target.is_relative_to(root):
        return "symlink points outside the corpus folder"
    return None


def _read_metadata(root: Path) -> tuple[dict[str, DocMeta], str, list[str]]:
    path = root / METADATA_FILE
    if not os.path.lexists(path):
        return {}, "", []
    try:
        if os.path.islink(path) and _symlink_problem(path, root):
            raise ValueError(_symlink_problem(path, root))
        data, _ = read_regular(path, MAX_METADATA_BYTES, follow=True)
        entries = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        return {}, "", [f"ignored {METADATA_FILE}: nested too deeply"]
    except (OSError, ValueError) as exc:  # includes JSON and UTF-8 errors
        return {}, "", [f"ignored {METADATA_FILE}: {exc}"]
    if not isinstance(entries, dict):
        return {}, "", [f"ignored {METADATA_FILE}: expected an object keyed by file name"]
    out: dict[str, DocMeta] = {}
    warnings: list[str] = []
    for name, entry in entries.items():
        if not valid_utf8(name):
            warnings.append(f"ignored metadata for {printable(name)}: the name is not valid text")
            continue
        if not isinstance(entry, dict):
            warnings.append(f"ignored metadata for {name}: expected an object of fields")
            continue
        notes: list[str] = []
        out[name] = DocMeta(  # field by field; a missing title is the article's own
            doc=name,
            title=clip(entry.get("title"), "title", notes) or "",
            publisher=clip(entry.get("publisher"), "publisher", notes),
            published=date_of(entry.get("published"), notes),
            byline=clip(entry.get("byline"), "byline", notes),
            url=web_url(entry.get("url"), notes),
        )
        warnings.extend(f"metadata for {name}: {n}" for n in notes)
    return out, hashlib.sha256(data).hexdigest(), warnings


def read_article(folder: Path, name: str) -> RawArticle:
    """Read and decode one article. Raises OSError/ValueError for the caller to report."""
    read = _read_file(folder, name)
    data, st = read
    got = read_bytes(name, data)
    sha = hashlib.sha256(data).hexdigest()
    return RawArticle(
        name,
        got.text,
        sha,
        got.decode_note,
        got.decode_errors,
        got.found,
        got.notes,
        st.st_size,
        st.st_mtime_ns,
        got.roles,
        st.st_ctime_ns,
    )


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-corpus", vars())
