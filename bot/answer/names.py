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
# A name opens on a capital, or on a number that holds one ("3M", "7-Eleven"); a bare
# number may go on with it ("Apollo 11"), but "8-year-old" and "51" open none.
_CAPITALISED = re.compile(r"^([A-Z]|\d[\d-]*[A-Z])[\w'’.-]*$")
_NAME_NUMBER = re.compile(r"^\d+$")
# A name goes on through a particle joined by a hyphen: "Haider al-Abadi", "Osama bin-Laden".
_PARTICLE_WORD = re.compile(r"^(al|el|bin|ibn|abu|de|del|van|von|da|di|le|la)-[A-Z][\w'’.-]*$")
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
            gap = text[words[j - 1][1] + len(words[j - 1][0]) : words[j][1]]
            if gap.strip():
                break  # "Webb, 51, of": a comma or a bracket ends a name
            word = words[j][0]
            if words[j - 1][0].endswith(".") and tokens.term(word) == "":
                break  # "... two Super Bowls. He ...": a sentence ends ("Dr. Harrison" goes on)
            if _CAPITALISED.match(word) or _PARTICLE_WORD.match(word) or _NAME_NUMBER.match(word):
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


def names_with_context(text: str) -> list[tuple[str, str]]:
    """Every name with the word before it: [("Old City", "the"), ("Mosul", "in")]."""
    return [(name, before) for _, name, before in _names(text)]


def main_name(text: str) -> str | None:
    """The longest name in `text` (the first of equally long ones), or None."""
    names = _names(text)
    return max(names, key=lambda n: n[0])[1] if names else None


def place_name(text: str) -> str | None:
    """A name after "in", "into", "at", "near", "from" or "to": what "there" points to."""
    places = [n for n in _names(text) if n[2] in PLACE_WORDS]
    return places[-1][1] if places else None


_WHO_IS = re.compile(r"^\W*(who|whom)\s+(is|was|are|were)\b", re.IGNORECASE)
_THE_NOUN = re.compile(r"\bthe\s+([a-z][\w'’-]+)")


def person_name(text: str) -> str | None:
    """The name "he" or "she" can stand for: the longest name that no "the", place word
    or "of" comes before and that is not an acronym, of two words or more ("Mustafa
    Bali"), or any such name in "Who is X?"."""
    who = bool(_WHO_IS.match(text))
    people = [
        (n, name)
        for n, name, before in _names(text)
        if before not in PLACE_WORDS | {"the", "of"}
        and not name.replace(".", "").isupper()
        and (n >= 2 or who)
    ]
    return max(people, key=lambda p: p[0])[1] if people else None


def thing_name(text: str) -> str | None:
    """What "it" can stand for: a name after "the" ("the Grand al Nuri mosque"), else the
    last "the" and a noun ("Who destroyed the mosque?" -> "the mosque")."""
    things = [(n, name) for n, name, before in _names(text) if before == "the"]
    if things:
        name = max(things, key=lambda t: t[0])[1]
        return name if name.startswith("the ") else f"the {name}"
    nouns = [m for m in _THE_NOUN.finditer(text) if tokens.term(m.group(1))]
    return f"the {nouns[-1].group(1)}" if nouns else None
