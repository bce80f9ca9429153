"""Cleaning: every kind of page furniture in the seed files stays out of the index."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from bot.index.local import LocalRetriever
from bot.ingest.clean import classify_line, clean_document
from bot.ingest.decode import decode
from bot.records import DocMeta
from bot.retrieval import Engine

from .conftest import BUNDLED


def indexed_text(engine: Engine) -> str:
    data = cast(LocalRetriever, engine.retriever).data
    return "\n".join(data.sentence_text(i) for i in range(data.n_sentences))


# (kind, text that appears in a seed file and must not reach the index)
FURNITURE = [
    ("browser notice", "IE 11 is not supported"),
    ("browser notice", "optimal experience"),
    ("photo credit", "Erik De Castro / Reuters"),
    ("photo credit", "Erik de Castro/Reuters"),
    ("photo credit", "Ahmad Al-Rubaye / AFP - Getty Images"),
    ("photo credit", "via Getty Images"),
    ("photo credit", "Handout . / Reuters"),
    ("photo credit", "Reuters TV / Reuters"),
    ("picture id", "RTS177V0"),
    ("truncated caption", "After defeat"),
    ("image label", "Image: Iraqis Retake Mosul"),
    ("related link", "Related:"),
    ("related link", "ISIS Revenue Plummets"),
    ("related link", "Archangel of Death"),
    ("vote count", "users have voted"),
    ("comment form", "Add new comment"),
    ("captcha", "human visitor"),
    ("captcha", "Solve this simple math problem"),
    ("captcha", "1 + 0 ="),
    ("newsletter", "emailed to you each day"),
    ("subscription promo", "delivered to your door"),
    ("subscription promo", "ad-free browsing"),
    ("subscription promo", "Newsweek is committed to challenging conventional wisdom"),
    ("subscription promo", "Newsweek uses AI"),
    ("author bio", "About the writer"),
    ("author bio", "award-winning Senior Writer"),
    ("author bio", "Staten Island"),
    ("copyright", "Copyright 2024 Nexstar Media"),
    ("copyright", "All rights reserved"),
    ("tags", "Tags Donald Trump"),
    ("navigation", "Load more"),
    ("navigation", "Most Popular"),
    ("navigation", "See all Hill.TV"),
    ("navigation", "You are here"),
    ("section label", "Defense"),
    ("section label", "Uncommon Knowledge"),
    ("template token", "{mosads}"),
    ("timestamp", "3:31 AM IST"),
    ("timestamp", "Updated 2:10 p.m."),
    ("byline", "By AFP - Jul 01,2017"),
    ("contributor note", "Associated Press contributed."),
]


@pytest.mark.parametrize(("kind", "text"), FURNITURE, ids=[f"{k}:{t[:20]}" for k, t in FURNITURE])
def test_furniture_never_reaches_the_index(bundled_engine: Engine, kind: str, text: str) -> None:
    found_in_seed = any(text in p.read_text(encoding="utf-8") for p in BUNDLED.glob("*.txt"))
    assert found_in_seed, f"fixture drifted: {text!r} is not in the seed files"
    assert text not in indexed_text(bundled_engine)


def test_headlines_are_metadata_not_body(bundled_engine: Engine) -> None:
    body = indexed_text(bundled_engine)
    for doc in bundled_engine.documents:
        assert doc.title not in body
    assert "Getty" not in body.replace("Getty Images", "")  # lone "Getty" credit line


def test_article_text_is_kept(bundled_engine: Engine) -> None:
    body = indexed_text(bundled_engine)
    assert "Col. Ryan Dillon said that victory in Mosul was “imminent”" in body
    assert "referring to the group by its Arabic acronym." in body  # {mosads} cut, not the line


def test_photo_captions_are_never_indexed(bundled_engine: Engine) -> None:
    body = indexed_text(bundled_engine)
    # glued to its credit ("...in Mosul, Iraq.Erik De Castro / Reuters")
    assert "A member of the Counter Terrorism Service stands at the positions" not in body
    assert "(AFP photo)" not in body  # "... in the city (AFP photo)"
    # right under its credit line ("Reuters TV / Reuters")
    assert "Abu Bakr al-Baghdadi speaks from the Grand al Nuri Mosque" not in body
    # ... while the paragraph under the "Getty" credit is body: it is no short caption
    assert "U.S.-backed forces declared victory over the Islamic State on Saturday" in body


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Internet Explorer is not supported. Please update your browser.", "browser notice"),
        ("Read more: Five things to know about the vote", "related link"),
        ("1,204 readers have voted", "vote count"),
        ("Sign up for our daily newsletter", "promo"),
        ("Subscribe now for unlimited access", "promo"),
        ("© 2023 Some Paper Ltd", "copyright"),
        ("John Smith / AP", "photo credit"),
        ("JANE DOE via Getty Images", "photo credit"),
        ("AB12CD34", "picture id"),
        ("Tags: Politics, Iraq", "tags"),
        ("Advertisement", "navigation"),
    ],
)
def test_rules_are_general_not_seed_specific(line: str, reason: str) -> None:
    assert classify_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Iraqi forces captured the mosque on Thursday.",
        "Officials said the bridge would reopen in May.",
        "He said the newsroom was evacuated.",
    ],
)
def test_body_sentences_are_not_furniture(line: str) -> None:
    assert classify_line(line) is None


def test_article_without_metadata_takes_title_from_text() -> None:
    raw = (BUNDLED / "000_d41144c76e998c39.txt").read_text(encoding="utf-8")
    doc = clean_document(0, "x.txt", raw, None)
    assert doc.meta == DocMeta(
        doc="x.txt", title="Iraqi Prime Minister Declares End of ISIS Caliphate in Iraq"
    )
    assert doc.meta.publisher is None and doc.meta.published is None


def test_spans_point_into_the_cleaned_text() -> None:
    raw = (
        "Title Of The Story Here\n\nFirst line of text.{adtag} More.\n\nImage: a caption\n\nLast.\n"
    )
    doc = clean_document(0, "t.txt", raw, None)
    assert doc.raw == "First line of text. More.\n\nLast.\n"  # what is indexed and shown
    pieces = [doc.raw[s.start : s.end] for para in doc.paragraphs for s in para]
    assert pieces == ["First line of text. More.", "Last."]


def test_odd_encodings_and_control_characters_are_reported() -> None:
    text, note, errors = decode("café".encode("latin-1"))
    assert text == "café" and note and "Windows-1252" in note and errors == 0
    text, note, _ = decode("hello".encode("utf-16"))
    assert text == "hello" and note == "decoded as UTF-16"
    text, note, _ = decode(b"bad\x00byte \x07 here")
    assert "\x00" not in text and "\x07" not in text and note and "control" in note
    assert len(text) == len("bad\x00byte \x07 here")  # offsets are preserved
    with pytest.raises(ValueError, match="binary"):
        decode(bytes(range(256)) * 8 + b"\x00" * 2000)


def test_invalid_utf8_is_replaced_and_counted(tmp_path: Path) -> None:
    text, note, errors = decode(b"\x81\x8d\x8f\x90\x9d ok")  # undefined even in cp1252
    assert errors == 5 and note and "replaced" in note and text.endswith(" ok")
