"""Small talk: "thanks", "ok", "hello", "bye" are not questions about the articles. They get
a short friendly line and no quotes (and `answered: false` in JSON), never "The articles
don't say", and they are no turn of the conversation.

Pure: the words of English small talk, a closed class of the language, not of any corpus.
"""

from __future__ import annotations

import re

_THANKS = frozenset("thanks thank thx ty cheers ta appreciated appreciate".split())
_HELLO = frozenset("hello hi hey hiya howdy morning evening afternoon greetings yo".split())
_BYE = frozenset("bye goodbye cya later night farewell".split())
_OK = frozenset(
    "ok okay k kk cool great nice awesome perfect good fine sure yes yeah yep no nope lol wow "
    "alright right gotcha got it understood excellent brilliant amazing interesting".split()
)
_FILLER = frozenset("you so much very a lot for that again all good see bot there".split())
MAX_WORDS = 6


def small_talk(text: str) -> str | None:
    """The friendly line for `text` when it is small talk, else None."""
    words = re.findall(r"[a-z]+", text.lower())
    if not words or len(words) > MAX_WORDS or ("?" in text and words[0] not in _HELLO):
        return None
    known = _THANKS | _HELLO | _BYE | _OK | _FILLER
    if not all(w in known for w in words) or all(w in _FILLER for w in words):
        return None
    kinds = set(words)
    if kinds & _THANKS:
        return "You're welcome. Ask me anything else about the articles."
    if kinds & _BYE:
        return "Goodbye!"
    if kinds & _HELLO:
        return "Hello! Ask me a question about the articles: I quote the sentences that answer it."
    return "Glad to help. Ask me anything else about the articles."
