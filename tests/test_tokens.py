"""The one tokenizer: lowercased nltk tokens, Snowball stems, our own stopwords."""

from __future__ import annotations

from bot.ingest import tokens


def test_lowercases_stems_and_drops_stopwords() -> None:
    assert tokens.analyze("The Fighters were FIGHTING in the cities") == [
        "fighter",
        "fight",
        "citi",
    ]


def test_question_only_of_stopwords_has_no_terms() -> None:
    assert tokens.analyze("what is the") == []
    assert tokens.analyze("?!... ---") == []


def test_acronyms_numbers_possessives_and_hyphens() -> None:
    assert tokens.analyze("U.S.-led") == ["us", "lead"]  # "led" is the past of "lead"
    assert tokens.analyze("Mosul’s 15,000 civilians") == ["mosul", "15000", "civilian"]
    assert tokens.analyze("al-Nuri") == ["al", "nuri"]


def test_irregular_verbs_meet_their_base_form() -> None:
    assert tokens.analyze("broke") == tokens.analyze("break")
    assert tokens.analyze("blew") == tokens.analyze("blow")
    assert tokens.analyze("fled") == tokens.analyze("flee")


def test_spans_give_offsets_of_the_surface_words() -> None:
    text = "Who is Mustafa Bali?"
    assert [(s, text[a:b]) for s, a, b in tokens.spans(text)] == [
        ("mustafa", "Mustafa"),
        ("bali", "Bali"),
    ]


def test_settings_describe_the_tokenizer() -> None:
    assert tokens.SETTINGS["stemmer"] == "nltk-snowball-english"
    assert len(str(tokens.SETTINGS["stopwords_sha256"])) == 64


def test_a_wound_stays_a_wound() -> None:
    # "wound" is an injury in news, not the past of "wind": it must meet "wounds"/"wounded".
    assert set(tokens.analyze("wound wounds wounded")) == {tokens.stem("wound")}


def test_an_acronym_plural_meets_its_singular() -> None:
    # The stemmer keeps the "s" of a word without vowels ("dsms"): folded before it.
    assert tokens.analyze("DSMs NGOs") == tokens.analyze("DSM NGO")
    assert tokens.analyze("Ms") == ["ms"]  # one capital: not an acronym
