"""Follow-up questions: deciding when a question leans on earlier turns, and on which words.

Pure functions over `Turn` records. A question is a follow-up when it has an anaphor
("he", "there", "it"...), starts like a continuation ("and", "what about"), or has at
most one content word left after stopwords; a question that names two or more things of
its own stands alone and is never mixed with earlier turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Pronouns that point back. "that"/"this" are left out: they are mostly determiners or
# conjunctions in questions ("Did Iraq say that ...").
_ANAPHORA = frozenset("he she it they him her them his hers its their theirs there".split())
_EXISTENTIAL_THERE = re.compile(
    r"\bthere\s+(is|are|was|were|be|been|has|have|had)\b", re.IGNORECASE
)
_CONTINUATION = re.compile(
    r"^\s*(and|but|also|so|what about|how about|and what about|why|"
    r"what else|anything else|who else|more)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
MAX_CARRIED = 8  # stems borrowed from earlier turns, at most


@dataclass(frozen=True)
class Turn:
    """One answered (or declined) question, as conversation memory keeps it."""

    question: str
    stems: tuple[str, ...]  # content stems of the question itself
    carried: tuple[str, ...] = ()  # stems it borrowed from earlier turns
    answered: bool = False
    at: float = 0.0  # time.monotonic() when asked


def is_followup(question: str, stems: Sequence[str]) -> bool:
    words = {
        w.lower().replace("’", "'") for w in _WORD.findall(_EXISTENTIAL_THERE.sub(" ", question))
    }
    if len(set(stems)) <= 1:
        return True
    if words & _ANAPHORA:
        return True
    return bool(_CONTINUATION.match(question))


def carried_stems(question: str, stems: Sequence[str], history: Sequence[Turn]) -> tuple[str, ...]:
    """Stems from the most recent earlier turn to add to this question, or () if none."""
    if not history or not is_followup(question, stems):
        return ()
    last = history[-1]
    own = set(stems)
    out: list[str] = []
    for s in (*last.stems, *last.carried):  # a follow-up of a follow-up keeps the thread
        if s not in own and s not in out:
            out.append(s)
    return tuple(out[:MAX_CARRIED])
