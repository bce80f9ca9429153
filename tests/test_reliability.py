"""Reliability: concurrent processes, odd files and damaged bytes. One test per defect of
the reliability issue, named after it (docs/reliability.md lists them with results)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.index import store
from bot.index.folder import MARKER, POINTER, current_build
from bot.index.fresh import _digest
from bot.ingest.corpus import list_corpus
from bot.interfaces.cli import main
from bot.opening import open_index

from .conftest import ROOT, TINY, wait_for_stderr, write

QUESTION = "How much did the bridge repairs cost?"
ANSWER = "4.2 million dollars"


def ask_process(
    corpus: Path, index: Path, question: str = QUESTION, **env: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "ask",
            "--json",
            question,
            "--corpus",
            str(corpus),
            "--index",
            str(index),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, dict[str, object], str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, json.loads(out) if out.strip() else {}, err


def paused_build(corpus: Path, index: Path, flag: Path) -> subprocess.Popen[str]:
    """An `ask` whose build stops between reading the articles and writing the index
    until `flag` exists (tests/paused_ask.py); returns once it has stopped there."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.paused_ask", str(corpus), str(index), str(flag), QUESTION],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_stderr(proc, "build paused")
    return proc


def notices(corpus: Path, index: Path) -> list[str]:
    seen: list[str] = []
    open_index(corpus, index, seen.append)
    return seen


def assert_current_valid(index: Path) -> None:
    folder = current_build(index)
    assert (folder / MARKER).exists() and (folder / "params.json").exists()


# -- D1: concurrent builds ------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("state", ["missing", "stale"])
def test_d1_concurrent_asks_all_answer_from_a_complete_build(
    tiny_corpus: Path, tmp_path: Path, state: str
) -> None:
    index = tmp_path / "idx"
    for round_ in range(3):  # bench/concurrency.py runs 20 rounds of 8
        if state == "missing":
            shutil.rmtree(index, ignore_errors=True)
        else:
            write(
                tiny_corpus, "extra.txt", f"Extra Story {round_}\n\nA line about round {round_}.\n"
            )
        procs = [ask_process(tiny_corpus, index) for _ in range(8)]
        for proc in procs:
            code, ans, err = finish(proc)
            assert code == 0, err
            assert ANSWER in ans["quotes"][0]["text"]  # type: ignore[index]
        assert_current_valid(index)
        builds = [p for p in index.iterdir() if p.name.startswith("build-")]
        assert len(builds) >= 1


def test_d1_a_waiting_process_uses_the_build_another_made(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    index = tmp_path / "idx"
    flag = tmp_path / "go"
    builder = paused_build(tiny_corpus, index, flag)
    waiter = ask_process(tiny_corpus, index)  # the index is missing: it must wait
    said = wait_for_stderr(waiter, "Waiting for another process")  # it is waiting now
    assert waiter.poll() is None
    flag.touch()
    assert finish(builder)[0] == 0
    code, ans, err = finish(waiter)
    assert code == 0 and ANSWER in ans["quotes"][0]["text"]  # type: ignore[index]
    assert "Building" not in said + err


# -- D2: named pipes ------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_d2_named_pipes_never_hang(tiny_corpus: Path, tmp_path: Path) -> None:
    os.mkfifo(tiny_corpus / "x.txt")
    index = tmp_path / "idx"
    code, ans, err = finish(ask_process(tiny_corpus, index), timeout=30)
    assert code == 0 and ANSWER in ans["quotes"][0]["text"]  # type: ignore[index]
    assert "x.txt: not a regular file (a named pipe)" in err
    (tiny_corpus / "metadata.json").unlink()
    os.mkfifo(tiny_corpus / "metadata.json")
    code, ans, err = finish(ask_process(tiny_corpus, index), timeout=30)  # fresh-check too
    assert code == 0 and ans["answered"]


# -- D3: an edit during a build -------------------------------------------------------------
def test_d3_an_article_edited_during_a_build_is_reindexed(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    index = tmp_path / "idx"
    flag = tmp_path / "go"
    proc = paused_build(tiny_corpus, index, flag)
    alpha = tiny_corpus / "alpha.txt"  # read already; now edited before the build commits
    alpha.write_text(alpha.read_text().replace("4.2 million", "5.9 million"), encoding="utf-8")
    flag.touch()
    assert finish(proc)[0] == 0
    code, ans, err = finish(ask_process(tiny_corpus, index))
    assert code == 0 and "Rebuilding the index: the corpus changed" in err
    assert "5.9 million dollars" in ans["quotes"][0]["text"]  # type: ignore[index]


# -- D4: CURRENT is not trusted -------------------------------------------------------------
def _replace_current(index: Path, make: str) -> None:
    pointer = index / POINTER
    pointer.unlink()
    if make == "symlink-passwd":
        pointer.symlink_to("/etc/passwd")
    elif make == "fifo":
        os.mkfifo(pointer)
    elif make == "symlink-zero":
        pointer.symlink_to("/dev/zero")
    elif make == "long-name":
        pointer.write_text("build-" + "x" * 300 + "\n")
    elif make == "huge":
        pointer.write_bytes(b"build-" + b"y" * (50 * 1024 * 1024))


@pytest.mark.parametrize("make", ["symlink-passwd", "fifo", "symlink-zero", "long-name", "huge"])
def test_d4_current_is_never_trusted(tiny_corpus: Path, tmp_path: Path, make: str) -> None:
    index = tmp_path / "idx"
    notices(tiny_corpus, index)
    _replace_current(index, make)
    seen = notices(tiny_corpus, index)
    assert len(seen) == 1 and seen[0].startswith("Rebuilding the index: CURRENT")
    assert len(seen[0]) < 200 and "root:" not in seen[0]  # never echoed
    assert_current_valid(index)
    assert notices(tiny_corpus, index) == []


# -- D5: devices ----------------------------------------------------------------------------
def test_d5_device_nodes_are_skipped(tiny_corpus: Path, tmp_path: Path) -> None:
    try:
        os.mknod(tiny_corpus / "x.txt", stat.S_IFCHR | 0o644, os.makedev(1, 5))  # /dev/zero
    except (PermissionError, AttributeError, OSError):
        pytest.skip("cannot make a device node here")
    listing, _ = list_corpus(tiny_corpus)
    assert "x.txt" not in listing.files
    assert "x.txt: not a regular file (a device or socket)" in listing.skipped
    (tiny_corpus / "metadata.json").unlink()
    os.symlink("/dev/zero", tiny_corpus / "metadata.json")
    listing, warnings = list_corpus(tiny_corpus)
    assert listing.metadata == {} and any("outside the corpus" in w for w in warnings)


# -- D6: oversize files ---------------------------------------------------------------------
def test_d6_oversize_files_are_fingerprinted_from_their_stat(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # sparse: 65 MB on paper, nothing on disk
        fh.truncate(65 * 1024 * 1024)
    st = big.stat()
    assert _digest(big) == f"oversize:{st.st_size}:{st.st_mtime_ns}"


# -- D7: one giant paragraph ----------------------------------------------------------------
def test_d7_one_giant_paragraph_is_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    words = "the council approved a new budget for roads and parks after debate".split()
    para = " ".join(words[i % len(words)] + ("." if i % 23 == 0 else "") for i in range(300_000))
    write(
        corpus,
        "big.txt",
        "Giant Paragraph Story\n\n" + para + " The harbour fee is nine dollars.\n",
    )
    code, ans, err = finish(ask_process(corpus, tmp_path / "i", "What is the harbour fee?"), 120)
    assert code == 0, err
    assert "nine dollars" in ans["quotes"][0]["text"]  # type: ignore[index]


# -- D8: damaged index files ----------------------------------------------------------------
def _build(corpus: Path, index: Path) -> Path:
    notices(corpus, index)
    return current_build(index)


def _flip_letter(path: Path) -> None:
    data = bytearray(path.read_bytes())
    i = data.index(b"million")
    data[i] = ord("M")
    path.write_bytes(bytes(data))


def _set_npy_header(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data[:128]
    path.write_bytes(data.replace(old, new, 1))


DAMAGE = {
    "flipped letter in sent_text.bin": lambda f: _flip_letter(f / "sent_text.bin"),
    "invalid UTF-8 in docs.jsonl": lambda f: (f / "docs.jsonl").write_bytes(
        (f / "docs.jsonl").read_bytes().replace(b"Bridge", b"Br\xffdge", 1)
    ),
    "changed doc_id": lambda f: (f / "docs.jsonl").write_text(
        (f / "docs.jsonl").read_text().replace('"doc_id": 0', '"doc_id": 7', 1)
    ),
    "byte-swapped array": lambda f: _set_npy_header(f / "passages.npy", b"'<i8'", b"'>i8'"),
    "Fortran-order array": lambda f: _set_npy_header(
        f / "sentences.npy", b"'fortran_order': False", b"'fortran_order': True "
    ),
    "int32 header on int64 data": lambda f: _set_npy_header(
        f / "sent_text_offsets.npy", b"'<i8'", b"'<i4'"
    ),
    "wrong JSON types in vocab.json": lambda f: (f / "vocab.json").write_text('{"a": 1}'),
    "wrong JSON types in params.json": lambda f: (f / "params.json").write_text(
        json.dumps({**json.loads((f / "params.json").read_text()), "files": [1, 2]})
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_d8_damaged_index_files_mean_a_rebuild(
    tiny_corpus: Path, tmp_path: Path, damage: str
) -> None:
    index = tmp_path / "idx"
    folder = _build(tiny_corpus, index)
    DAMAGE[damage](folder)
    seen = notices(tiny_corpus, index)
    assert len(seen) == 1 and seen[0].startswith("Rebuilding the index:"), seen
    code, ans, _ = finish(ask_process(tiny_corpus, index))
    assert code == 0 and ANSWER in ans["quotes"][0]["text"]  # type: ignore[index]


def test_d8_files_swapped_in_from_another_corpus_are_detected(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    write(other, "o.txt", "Other Story Here\n\nAn entirely different sentence about tides.\n")
    foreign = _build(other, tmp_path / "oidx")
    folder = _build(tiny_corpus, tmp_path / "idx")
    for name in ("sent_text.bin", "sent_text_offsets.npy", "sentences.npy"):
        shutil.copy(foreign / name, folder / name)
    seen = notices(tiny_corpus, tmp_path / "idx")
    assert len(seen) == 1 and "Rebuilding the index:" in seen[0]


def test_d8_index_check_verifies_every_file(tiny_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    folder = _build(tiny_corpus, index)
    args = ["index", "--check", "--corpus", str(tiny_corpus), "--index", str(index)]
    ok = CliRunner().invoke(main, args)
    assert ok.exit_code == 0 and "intact and up to date" in ok.stdout
    _flip_letter(folder / "sent_text.bin")
    fixed = CliRunner().invoke(main, args)
    assert fixed.exit_code == 0 and "does not match its checksum" in fixed.stderr
    assert "Indexed 3 articles" in fixed.stdout


# -- D11, D13, D14, D17, D19, D20 -----------------------------------------------------------
def test_d11_deep_nesting_is_a_note_not_a_crash(tiny_corpus: Path, tmp_path: Path) -> None:
    (tiny_corpus / "metadata.json").write_text("[" * 5000 + "]" * 5000)
    _, warnings = list_corpus(tiny_corpus)
    assert warnings == ["ignored metadata.json: nested too deeply"]
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "x", "question": ' + "[" * 5000 + "]" * 5000 + "}\n")
    out = CliRunner().invoke(main, ["eval", str(cases), "--corpus", str(tiny_corpus)])
    assert out.exit_code == 1 and out.stderr.strip() == "error: cases.jsonl:1: nested too deeply"


def test_d13_folders_the_tool_did_not_make_are_kept(tiny_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "mine"
    write(index, "build-notes/keep.txt", "my own folder")
    notices(tiny_corpus, index)
    write(tiny_corpus, "delta.txt", "Delta Story Here\n\nA new sentence about the delta.\n")
    notices(tiny_corpus, index)  # a rebuild removes the older build: only ours
    assert (index / "build-notes" / "keep.txt").read_text() == "my own folder"
    assert len([p for p in index.iterdir() if (p / MARKER).exists()]) == 1


def test_d14_a_metadata_symlink_leading_outside_is_refused(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    outside = write(tmp_path, "elsewhere.json", json.dumps({"alpha.txt": {"title": "Leaked"}}))
    (tiny_corpus / "metadata.json").unlink()
    (tiny_corpus / "metadata.json").symlink_to(outside)
    listing, warnings = list_corpus(tiny_corpus)
    assert listing.metadata == {} and "points outside the corpus folder" in warnings[0]


def test_d17_debris_of_crashed_builds_is_removed(tiny_corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    notices(tiny_corpus, index)
    dead = "build-20200101T000000-999999999-1"  # no such process
    write(index, f".{POINTER}.{dead}", dead)
    write(index, f".tmp-{dead}/{MARKER}", "newsqa index build\n")
    assert notices(tiny_corpus, index) == []  # a plain `ask`
    assert not (index / f".{POINTER}.{dead}").exists()
    assert not (index / f".tmp-{dead}").exists()


def test_d19_a_huge_publisher_is_clipped(tiny_corpus: Path, tmp_path: Path) -> None:
    meta = json.loads((tiny_corpus / "metadata.json").read_text())
    meta["alpha.txt"]["publisher"] = "Example News " * 800_000  # 10 MB
    (tiny_corpus / "metadata.json").write_text(json.dumps(meta))
    listing, warnings = list_corpus(tiny_corpus)
    assert len(listing.metadata["alpha.txt"].publisher or "") <= 300
    assert "metadata for alpha.txt: publisher longer than 300 characters: clipped" in warnings
    assert notices(tiny_corpus, tmp_path / "idx")[0].startswith("Building the index")


def test_d20_bad_eval_fields_are_tolerated(tiny_corpus: Path, tmp_path: Path) -> None:
    cases = write(
        tmp_path,
        "c.jsonl",
        '{"id": "a", "question": "Who is Ellen Park?", "answer": "Ellen", "tags": null}\n',
    )
    out = CliRunner().invoke(main, ["eval", str(cases), "--corpus", str(tiny_corpus)])
    assert out.exit_code == 0, out.output


def test_metadata_dates_must_be_real(tiny_corpus: Path) -> None:
    meta = {"alpha.txt": {"title": "T", "published": "2017-02-30"}}
    (tiny_corpus / "metadata.json").write_text(json.dumps(meta))
    listing, warnings = list_corpus(tiny_corpus)
    assert listing.metadata["alpha.txt"].published is None
    assert any("2017-02-30" in w and "not a real" in w for w in warnings)


def test_store_reads_current_once(tiny_corpus: Path, tmp_path: Path) -> None:
    """A build switched in while another process loads: the loader keeps one view."""
    index = tmp_path / "idx"
    notices(tiny_corpus, index)
    data = store.load(index)
    assert isinstance(data.passages, np.ndarray) and data.params["counts"]["articles"] == 3
    assert TINY.exists()
