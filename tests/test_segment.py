"""Sentences (Punkt, no downloaded data) and passages."""

from __future__ import annotations

import pytest

from bot.ingest.clean import clean_document
from bot.ingest.segment import (
    PASSAGE_MAX_WORDS,
    SentenceSplitter,
    punkt_from_json,
    punkt_to_json,
    segment,
    train_punkt,
)
from bot.records import Span


@pytest.fixture(scope="module")
def splitter() -> SentenceSplitter:
    return SentenceSplitter(train_punkt(["Some training text. It has sentences. Two of them."]))


def sentences(splitter: SentenceSplitter, text: str) -> list[str]:
    return [text[s.start : s.end] for s in splitter.split(text, Span(0, len(text)))]


@pytest.mark.parametrize(
    "text",
    [
        "U.S.-led coalition spokesman Col. Ryan Dillon said victory was near.",
        "Lt. Gen. Stephen Townsend and Brig. Gen. Andrew Croft spoke to Sgt. Maj. Lee.",
        "Gov. Jones and Sen. Smith met U.N. officials in Jan. and again on Feb. 3.",
        "The U.S. and Iraqi forces advanced.",
        "Maj. Gen. Rupert Jones said the U.N. office was told on Dec. 4.",
    ],
)
def test_news_abbreviations_do_not_split(splitter: SentenceSplitter, text: str) -> None:
    assert sentences(splitter, text) == [text]


def test_real_sentence_ends_still_split(splitter: SentenceSplitter) -> None:
    text = "Iraqi forces took the mosque. The fighting went on. Officials were cautious."
    assert sentences(splitter, text) == [
        "Iraqi forces took the mosque.",
        "The fighting went on.",
        "Officials were cautious.",
    ]


def test_quotation_stays_with_its_attribution(splitter: SentenceSplitter) -> None:
    text = "“You can have the map. Congratulations. Spread it around,” Trump said. He left."
    assert sentences(splitter, text) == [
        "“You can have the map. Congratulations. Spread it around,” Trump said.",
        "He left.",
    ]


def test_state_abbreviation_before_a_new_quote_ends_the_sentence(
    splitter: SentenceSplitter,
) -> None:
    text = "He spoke in West Palm Beach, Fla. “There it is,” he added."
    assert sentences(splitter, text) == [
        "He spoke in West Palm Beach, Fla.",
        "“There it is,” he added.",
    ]


def test_punkt_parameters_round_trip_through_json(splitter: SentenceSplitter) -> None:
    params = train_punkt(["Dr. Who met Mr. Smith. They talked."])
    again = punkt_from_json(punkt_to_json(params))
    assert again.abbrev_types == params.abbrev_types
    assert dict(again.ortho_context) == dict(params.ortho_context)


def test_passages_merge_short_and_split_long_paragraphs(splitter: SentenceSplitter) -> None:
    short = "\n\n".join(f"Short paragraph number {i} is here." for i in range(6))
    long_para = " ".join(
        f"Sentence {i} of a long paragraph has exactly ten words here." for i in range(40)
    )
    raw = "A Title For This Test Story\n\n" + short + "\n\n" + long_para + "\n"
    doc = clean_document(0, "t.txt", raw, None)
    passages, sents = segment([doc], splitter)
    words = [sum(len(s.text.split()) for s in sents[p.first_sent : p.last_sent]) for p in passages]
    assert len(passages) >= 4
    assert max(words) <= PASSAGE_MAX_WORDS
    assert words[0] > len("Short paragraph number 0 is here.".split())  # merged
    text = doc.raw  # the cleaned text: the headline is metadata, not body
    assert not text.startswith("A Title")
    for p in passages:  # offsets are exact and ids consistent
        assert text[p.start : p.end].startswith(sents[p.first_sent].text[:10])
        assert all(s.passage_id == p.passage_id for s in sents[p.first_sent : p.last_sent])
    for s in sents:
        assert " ".join(text[s.start : s.end].split()) == s.text
