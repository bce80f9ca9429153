"""Properties over arbitrary input (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer.pipeline import answer
from bot.errors import QuestionError
from bot.evaluation.evaluate import Verbatim
from bot.ingest import tokens
from bot.ingest.clean import clean_document
from bot.ingest.segment import SentenceSplitter, collapse, segment, train_punkt
from bot.retrieval import Engine

SPLITTER = SentenceSplitter(train_punkt(["Gen. Smith spoke. He left. The U.S. agreed."]))

# Text that looks like scraped pages: words, punctuation, quotes, newlines, odd characters.
ARTICLE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abcdefghij ABCDEF .,;:!?'\"“”‘’()-—/{}[]#@*_\n\n\t\u00a0")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=600,
)


@settings(max_examples=300, deadline=None)
@given(ARTICLE_TEXT)
def test_cleaning_and_splitting_never_crash_nor_change_words(raw: str) -> None:
    doc = clean_document(0, "x.txt", raw, None)
    text = doc.raw  # the cleaned text every offset points into
    passages, sentences = segment([doc], SPLITTER)
    for s in sentences:
        assert s.text == collapse(text[s.start : s.end])  # every word verbatim, in place
        assert s.text and s.text in collapse(text)
    for p in passages:
        assert 0 <= p.start <= p.end <= len(text)
    # Cleaning only removes: every word it keeps is a word of the input.
    assert all(w in raw for w in text.split())
    # No character of a kept paragraph is lost or changed on its way into sentences (only
    # whitespace may differ: Punkt may split "??" into "?" and "?").
    kept = "".join(text[sp.start : sp.end] for para in doc.paragraphs for sp in para)
    assert "".join(kept.split()) == "".join("".join(s.text for s in sentences).split())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_fast_tokenizer_equals_the_offset_tokenizer(text: str) -> None:
    assert tokens.analyze(text) == [t for t, _, _ in tokens.spans(text)]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "Mosul",
                    "ISIS",
                    "mosque",
                    "Raqqa",
                    "who",
                    "when",
                    "Bali",
                    "destroyed",
                    "civilians",
                    "the",
                    "?",
                    "Trump",
                    "said",
                ]
            ),
            min_size=1,
            max_size=12,
        ).map(" ".join),
    )
)
def test_every_quote_is_verbatim_and_cited(bundled_engine: Engine, question: str) -> None:
    try:
        ans = answer(bundled_engine, question)
    except QuestionError:
        return
    assert Verbatim(bundled_engine.corpus_dir).problems(ans) == []
    listed = {(s.citation, s.doc) for s in ans.sources}
    corpus_docs = {d.doc for d in bundled_engine.documents}
    for q in ans.quotes:
        assert (q.citation, q.doc) in listed and q.doc in corpus_docs
