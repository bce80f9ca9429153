"""Names in a question or a quote: runs of capitalised words, with the small words that
sit inside names ("the Grand al Nuri mosque", "Abu Bakr al-Baghdadi", "U.S."). Pure
functions: the question's name words (query.py), the subject a later pronoun stands for
and the place "there" points to (followup.py).
"""

from __future__ import annotations

import re

from ..ingest import tokens

# Small words that may sit inside a name: "Grand al Nuri", "Abu Bakr al-Baghdadi".
_NAME_PARTICLES = frozenset("al el bin ibn de del der la le van von da di of the".split())
_CAPITALISED = re.compile(r"^[A-Z0-9][\w'’.-]*$")
_WORD = re.compile(r"[\w'’.-]+")
PLACE_WORDS = frozenset("in into at near from to across inside outside".split())


def _names(text: str) -> list[tuple[int, str, str]]:
    """Runs of capitalised words (with particles inside) as (length, name, word before).
    A run that opens a sentence loses its first word when that is a stopword ("Who",
    "Tell"). "the Grand al Nuri mosque": a run after "the" takes the noun that follows."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    out: list[tuple[int, str, str]] = []
    i = 0
    while i < len(words):
        if not _CAPITALISED.match(words[i][0]):
            i += 1
            continue
        j = i + 1
        while j < len(words):
            if _CAPITALISED.match(words[j][0]):
                j += 1
            elif (
                words[j][0].lower() in _NAME_PARTICLES
                and j + 1 < len(words)
                and _CAPITALISED.match(words[j + 1][0])
            ):
                j += 2
            else:
                break
        run = [w for w, _ in words[i:j]]
        opener = i == 0 or text[: words[i][1]].rstrip().endswith((".", "?", "!", ":", '"', "“"))
        if opener and tokens.term(run[0]) == "":  # "Who", "Tell", "When" open it
            run = run[1:]
        before = words[i - 1][0].lower() if i > 0 else ""
        if run and before == "the" and j < len(words) and not "".join(run).isupper():
            noun = words[j][0].rstrip(".'’")
            if noun.isalpha() and noun.islower() and tokens.term(noun):
                run = ["the", *run, noun]
        name = " ".join(run).strip("'’")
        if not _ACRONYM_DOTS.search(name):  # "U.S." keeps its last dot; "Raqqa." does not
            name = name.strip(".")
        if name:
            out.append((len(run), name, before))
        i = j
    return out


_ACRONYM_DOTS = re.compile(r"(?:\b[A-Za-z]\.){2,}$")


def names_in(text: str) -> list[str]:
    """Every name `text` holds ("the Grand al Nuri mosque", "Mustafa Bali", "SDF")."""
    return [name for _, name, _ in _names(text)]


def main_name(text: str) -> str | None:
    """The longest name in `text` (the first of equally long ones), or None."""
    names = _names(text)
    return max(names, key=lambda n: n[0])[1] if names else None


def place_name(text: str) -> str | None:
    """A name after "in", "into", "at", "near", "from" or "to": what "there" points to."""
    places = [n for n in _names(text) if n[2] in PLACE_WORDS]
    return places[-1][1] if places else None
