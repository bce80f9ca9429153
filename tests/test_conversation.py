"""Follow-ups on corpora small enough to check by hand: a pronoun stands for what the
conversation is about and agrees with it (never a date), the answer's name only when it
was asked for, two readings settled by evidence, ellipsis into the question's slot, and
small talk that is no question."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answer.antecedents import entities_of
from bot.answer.conversation import Conversation
from bot.answer.followup import Turn, rewrite
from bot.answer.referents import is_date_or_number
from bot.evaluation import squad as sq
from bot.evaluation.baseline import PlainBM25
from bot.evaluation.followup_set import followup_pairs, name_matters
from bot.interfaces.cli import main
from bot.opening import open_engine
from bot.retrieval import Engine

from .conftest import ROOT, quiet, write

DEV_HALF = ROOT.parent / "shared" / "squad" / "dev-v1.1-half.json"


def _engine(tmp_path: Path, files: dict[str, str]) -> Engine:
    folder = tmp_path / "corpus"
    for name, text in files.items():
        write(folder, name, text)
    return open_engine(folder, tmp_path / "index", quiet)


TESLA = {
    "tesla.txt": "Nikola Tesla, the Inventor\n\n"
    "Nikola Tesla left Graz in December 1878 and never returned. He moved to Maribor, "
    "where he worked as a draftsman.\n\n"
    "The Edison Machine Works hired Tesla in New York in 1884. It built dynamos for "
    "the city's first power stations.\n\n"
    "Tesla's mother, Djuka Mandic, invented small household tools. She could not read.\n\n"
    "Tesla died in New York in January 1943, at the age of 86. He was alone in his "
    "hotel room.\n"
}


def test_he_stands_for_the_person_asked_about_never_a_date(tmp_path: Path) -> None:
    conv = Conversation(_engine(tmp_path, TESLA))
    conv.ask("When did Tesla leave Graz?")
    ans = conv.ask("What year did he die?")
    assert ans.resolved_question == "What year did Tesla die?"
    assert ans.answered and "1943" in ans.quotes[0].text


def test_an_answer_that_is_an_organisation_is_no_he(tmp_path: Path) -> None:
    # "Who hired Tesla?" asked for a name (the Edison Machine Works), but the articles
    # call it "it": "his" still stands for Tesla, the question's own subject.
    conv = Conversation(_engine(tmp_path, TESLA))
    first = conv.ask("Who hired Tesla in New York?")
    assert "Edison Machine Works" in first.quotes[0].text
    ans = conv.ask("What was his mother's name?")
    assert ans.resolved_question == "What was Tesla's mother's name?"
    assert "Djuka Mandic" in ans.quotes[0].text


CURIES = {
    "curie.txt": "The Curies\n\n"
    "Marie Curie married Pierre Curie in 1895 in a small civil ceremony. She wore a dark "
    "blue dress.\n\n"
    "Pierre Curie was born in Paris in 1859, the son of a doctor. He studied physics at "
    "the Sorbonne.\n"
}


def test_two_people_who_agree_are_told_apart_by_evidence(tmp_path: Path) -> None:
    # "he" may be either Curie; only "Where was Pierre Curie born?" has an answer.
    conv = Conversation(_engine(tmp_path, CURIES))
    assert "Pierre Curie" in conv.ask("Who did Marie Curie marry?").quotes[0].text
    ans = conv.ask("Where was he born?")
    assert ans.resolved_question == "Where was Pierre Curie born?"
    assert ans.answered and "Paris" in ans.quotes[0].text


ROADS = {
    "roads.md": "---\ntitle: City roads report\n---\n\n"
    "The city recorded 412 water main breaks in 2019, the most in a decade.\n\n"
    "Crews filled 9,800 potholes in 2019 after a wet winter.\n\n"
    "The tourists who visit the city in summer spend more than 40 million dollars. They "
    "come mostly from Canada.\n"
}


def test_an_ellipsis_fills_the_previous_questions_slot_and_never_wraps_it(
    tmp_path: Path,
) -> None:
    conv = Conversation(_engine(tmp_path, ROADS))
    assert conv.ask("How many water main breaks were there in 2019?").answered
    ans = conv.ask("And potholes?")
    assert ans.resolved_question == "How many potholes were there in 2019?"
    assert "9,800 potholes" in ans.quotes[0].text
    assert "(" not in (ans.resolved_question or "")


def test_they_stands_for_a_group(tmp_path: Path) -> None:
    conv = Conversation(_engine(tmp_path, ROADS))
    conv.ask("How much do the tourists spend in the city?")
    ans = conv.ask("Where do they come from?")
    assert ans.resolved_question == "Where do the tourists come from?"
    assert "Canada" in ans.quotes[0].text


def test_small_talk_is_answered_kindly_and_is_no_turn(tmp_path: Path) -> None:
    conv = Conversation(_engine(tmp_path, TESLA))
    conv.ask("When did Tesla leave Graz?")
    for said in ("thanks", "Thank you!", "ok", "hello", "bye", "great"):
        ans = conv.ask(said)
        assert not ans.answered and ans.small_talk and not ans.quotes
        assert ans.message and "don't say" not in ans.message
    ans = conv.ask("What year did he die?")  # the subject is still Tesla
    assert ans.resolved_question == "What year did Tesla die?"


def test_small_talk_in_json_is_not_answered_with_a_message(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"), "--json"]
    out = CliRunner().invoke(main, ["ask", "thanks", *args])
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert got["answered"] is False and got["quotes"] == [] and "welcome" in got["message"]


@pytest.mark.slow
@pytest.mark.skipif(not DEV_HALF.exists(), reason="needs ../shared/squad (the dev data)")
def test_no_rewrite_of_the_dev_follow_up_set_puts_a_date_or_number_for_a_pronoun(
    tmp_path: Path,
) -> None:
    data = sq.load_squad(DEV_HALF)
    plain = PlainBM25(data, range(len(data.articles)))
    pairs = followup_pairs(data, None, 0, name_matters(plain.rank_of))
    assert len(pairs) >= 80 and any(p.kind == "group" for p in pairs)
    corpus = sq.write_corpus(data, tmp_path / "squad", range(len(data.articles)))
    engine = open_engine(corpus, tmp_path / "index", quiet)
    for p in pairs:
        conv = Conversation(engine)
        conv.ask(p.first)
        resolved = conv.ask(p.pronoun_form).resolved_question
        if resolved is None:
            continue
        put = _inserted(p.pronoun_form, resolved)
        assert not is_date_or_number(put), (p.pronoun_form, resolved)
        assert not re.fullmatch(r"(in\s+)?\d[\d,.]*('s)?", put), (p.pronoun_form, resolved)


def _inserted(before: str, after: str) -> str:
    """What a rewrite put in place of the pronoun: `after` less the common ends."""
    i = 0
    while i < min(len(before), len(after)) and before[i] == after[i]:
        i += 1
    j = 0
    while j < min(len(before), len(after)) - i and before[-1 - j] == after[-1 - j]:
        j += 1
    return after[i : len(after) - j].strip(" '’s")


def test_a_pronoun_nothing_agrees_with_is_asked_about_not_guessed(tmp_path: Path) -> None:
    # Only roads and water mains were talked about: "he" stands for no one, and quoting
    # somebody's age would answer what was not asked.
    conv = Conversation(_engine(tmp_path, ROADS))
    assert conv.ask("How many water main breaks were there in 2019?").answered
    ans = conv.ask("How old is he?")
    assert not ans.answered and not ans.quotes
    assert ans.message is not None and "“he”" in ans.message


KHAN = {
    "khan.txt": "Genghis Khan\n\n"
    "The Genghis Khan mausoleum stood at Edsen Khoroo until 1939, when soldiers moved it.\n\n"
    "Genghis Khan was born around 1162. He founded the Mongol Empire in 1206.\n\n"
    "Archaeologists found his palace at Avraga in 2001.\n\n"
    "Mongolians call their relationship to Genghis Khan that of children to a father.\n\n"
    "The Broncos stayed at a hotel near the stadium. They were led by quarterback Peyton "
    "Manning.\n"
}


def test_a_name_inside_a_noun_phrase_is_what_he_stands_for(tmp_path: Path) -> None:
    # "the Genghis Khan mausoleum" is a thing, but the man it is named after is on the
    # stack too: "his palace" is his.
    conv = Conversation(_engine(tmp_path, KHAN))
    assert conv.ask("Where did the Genghis Khan mausoleum stand?").answered
    ans = conv.ask("When was his palace found?")
    assert ans.resolved_question == "When was Genghis Khan's palace found?"
    assert "2001" in ans.quotes[0].text


def test_the_verb_after_a_group_is_not_part_of_its_name(tmp_path: Path) -> None:
    # "Where did the Broncos stay?" is about "the Broncos", not "the Broncos stay".
    played = "How often had the Denver Broncos played in a Super Bowl?"
    assert entities_of(played, None, False)[0] == "the Denver Broncos"
    assert entities_of("When was the mosque destroyed?", None, False) == ("the mosque",)
    conv = Conversation(_engine(tmp_path, KHAN))
    assert conv.ask("Where did the Broncos stay?").answered
    ans = conv.ask("Who led them?")
    assert ans.resolved_question == "Who led the Broncos?"
    assert "Peyton Manning" in ans.quotes[0].text


def test_a_second_pronoun_of_another_kind_points_back(tmp_path: Path) -> None:
    # "their" is the Mongolians the question names; "him" is who the talk was about.
    conv = Conversation(_engine(tmp_path, KHAN))
    assert conv.ask("When was Genghis Khan born?").answered
    ans = conv.ask("How do Mongolians call their relationship to him?")
    assert ans.resolved_question == "How do Mongolians call their relationship to Genghis Khan?"
    assert "children to a father" in ans.quotes[0].text


def test_ordinals_and_a_sentence_opener_are_no_antecedents() -> None:
    assert entities_of("Who was the first NASA scientist in space?", None, True) == ("NASA",)
    history = [Turn("q", "After what war did Spain cede Florida?", True, 0.0, ("Florida",))]
    # "Soon" opens the question with a capital, but names nothing: "it" points back.
    assert rewrite("Soon after gaining it, what did the British do?", history) == [
        "Soon after gaining Florida, what did the British do?"
    ]


def test_a_pronoun_after_a_declined_turn_is_asked_about(tmp_path: Path) -> None:
    # A declined turn lends no subject; "it" is then nothing the bot can search for, and
    # searching "Where is it located?" alone would quote whatever is located somewhere.
    conv = Conversation(_engine(tmp_path, ROADS))
    assert not conv.ask("Which museum did gunmen attack in Tunisia?").answered
    ans = conv.ask("Where is it located?")
    assert not ans.answered and not ans.quotes
    assert ans.message is not None and "“it”" in ans.message


def test_its_after_a_the_phrase_is_that_phrases(tmp_path: Path) -> None:
    # "its service" is the ferry's own; "in it" (an object) still points back.
    history = [Turn("q", "What happened in Mosul?", True, 0.0, ("Mosul",))]
    assert rewrite("When did the island ferry resume its service?", history) == []
    assert rewrite("What made the crisis worse in it?", history) == [
        "What made the crisis worse in Mosul?"
    ]
    conv = Conversation(_engine(tmp_path, ROADS))
    assert not conv.ask("Which museum did gunmen attack in Tunisia?").answered
    ans = conv.ask("How much do the tourists spend in their summer in the city?")
    assert ans.answered and "40 million dollars" in ans.quotes[0].text
