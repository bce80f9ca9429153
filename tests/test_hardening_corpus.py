"""Corpus folders filled by hand: every fault is skipped with a named warning, or read.

The build never crashes and is never silently partial: the summary lists what was skipped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.errors import CorpusError
from bot.index import store as index_store
from bot.indexer.builder import BuildOptions, build_index
from bot.ingest.corpus import read_article
from bot.interfaces.cli import main

from .conftest import write

ARTICLE = (
    "A Headline About The Harbour\n\nThe harbour at Portvale reopened on Tuesday after "
    "a storm damaged its main pier, the port authority said.\n"
)


def skipped(report_skipped: list[str]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in report_skipped)


def test_empty_corpus_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    with pytest.raises(CorpusError, match="no articles"):
        build_index(tmp_path / "c", tmp_path / "i")
    result = CliRunner().invoke(
        main, ["index", "--corpus", str(tmp_path / "c"), "--index", str(tmp_path / "i")]
    )
    assert result.exit_code == 1 and result.stderr.startswith("error: no articles")


def test_empty_and_binary_files_are_skipped_by_name(tiny_corpus: Path, tmp_path: Path) -> None:
    write(tiny_corpus, "empty.txt", "")
    write(tiny_corpus, "image.txt", bytes(range(256)) * 40 + b"\x00" * 5000)
    report = build_index(tiny_corpus, tmp_path / "i")
    why = skipped(report.skipped)
    assert why["empty.txt"] == "no article text after cleaning"
    assert why["image.txt"].startswith("looks binary")
    assert report.articles == 3


def test_latin1_and_utf16_files_are_read(tiny_corpus: Path, tmp_path: Path) -> None:
    text = ARTICLE.replace("Portvale", "Portvalé")
    write(tiny_corpus, "latin1.txt", text.encode("latin-1"))
    write(tiny_corpus, "utf16.txt", text.replace("harbour", "marina").encode("utf-16"))
    report = build_index(tiny_corpus, tmp_path / "i")
    assert report.skipped == [] and report.articles == 5
    assert any("latin1.txt: not UTF-8" in n for n in report.notes)
    data = index_store.load(tmp_path / "i")
    texts = [data.sentence_text(i) for i in range(data.n_sentences)]
    assert sum("Portvalé" in t for t in texts) == 2


@pytest.mark.slow
def test_fifty_megabyte_file_is_read(tiny_corpus: Path, tmp_path: Path) -> None:
    para = "The council met again on Monday and discussed the harbour budget at length. " * 8
    body = "\n\n".join(f"{para} Item {i}." for i in range(50 * 1024 * 1024 // (len(para) + 12)))
    write(tiny_corpus, "huge.txt", "Council Minutes Of The Year\n\n" + body)
    assert (tiny_corpus / "huge.txt").stat().st_size >= 50 * 1024 * 1024 - 4096
    report = build_index(tiny_corpus, tmp_path / "i")
    assert report.skipped == [] and report.articles == 4 and report.passages > 50_000


def test_names_with_spaces_and_non_ascii(tiny_corpus: Path, tmp_path: Path) -> None:
    write(tiny_corpus, "harbour news é 港.txt", ARTICLE)
    report = build_index(tiny_corpus, tmp_path / "i")
    assert report.skipped == []
    docs = [d.meta.doc for d in index_store.load(tmp_path / "i").docs]
    assert "harbour news é 港.txt" in docs


def test_symlink_loop_and_escaping_symlink_are_skipped(tiny_corpus: Path, tmp_path: Path) -> None:
    os.symlink(tiny_corpus / "loop-b.txt", tiny_corpus / "loop-a.txt")
    os.symlink(tiny_corpus / "loop-a.txt", tiny_corpus / "loop-b.txt")
    outside = write(tmp_path, "secret.txt", ARTICLE)
    os.symlink(outside, tiny_corpus / "escape.txt")
    os.symlink(tiny_corpus, tiny_corpus / "subdir-loop")  # a directory loop, never followed
    report = build_index(tiny_corpus, tmp_path / "i")
    why = skipped(report.skipped)
    assert why["loop-a.txt"] == why["loop-b.txt"] == "symlink loop"
    assert why["escape.txt"] == "symlink points outside the corpus folder"
    assert report.articles == 3


def test_corpus_paths_cannot_escape_the_folder(tiny_corpus: Path, tmp_path: Path) -> None:
    write(tmp_path, "outside.txt", ARTICLE)
    with pytest.raises(ValueError, match="outside the corpus folder"):
        read_article(tiny_corpus, "../outside.txt")


def test_file_deleted_between_listing_and_reading(tiny_corpus: Path, tmp_path: Path) -> None:
    def vanish(stage: str, done: int, total: int) -> None:
        if stage == "reading + tokenizing" and done == 1:  # alpha.txt is read, beta.txt not
            (tiny_corpus / "beta.txt").unlink()  # gone after the listing, before the read

    report = build_index(tiny_corpus, tmp_path / "i", vanish, options=BuildOptions(batch_files=1))
    assert skipped(report.skipped)["beta.txt"] == "No such file or directory"
    assert report.articles == 2


def test_unreadable_file_is_skipped(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tiny_corpus, "locked.txt", ARTICLE)
    path.chmod(0)
    if os.access(path, os.R_OK):
        # Running as root, which reads anything: have the OS call refuse as it would for
        # anyone else (a fault injected into the standard library, not into our code).
        real = os.open

        def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if str(path).endswith("locked.txt"):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    report = build_index(tiny_corpus, tmp_path / "i")
    assert skipped(report.skipped)["locked.txt"] == "Permission denied"
    assert report.articles == 3


def test_index_command_summary_lists_skipped_files(tiny_corpus: Path, tmp_path: Path) -> None:
    write(tiny_corpus, "empty.txt", "")
    result = CliRunner().invoke(
        main, ["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")]
    )
    assert result.exit_code == 0
    assert "skipped empty.txt: no article text after cleaning" in result.stderr
    assert "1 file(s) skipped" in result.stdout


def test_a_subfolder_swapped_for_a_link_leading_out_is_refused(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    write(outside, "secret.txt", ARTICLE)
    os.symlink(outside, tiny_corpus / "sub")  # e.g. replaced after the corpus was listed
    with pytest.raises(ValueError, match="outside the corpus folder"):
        read_article(tiny_corpus, "sub/secret.txt")
