"""Relatives of a word among the index terms: words a suffix stemmer does not join to it,
but whose spelling says they are the same word in another form, and its synonyms.

- Derivations: terms that differ only in their last letters ("percentage" / "percent",
  "destruction" / "destroyed" after stemming: "percentag" / "percent", "destruct" /
  "destroy"). A suffix stemmer joins inflections ("fighters" / "fighter") but not
  derivations, and a question often uses another derivation than its answer ("What
  *percentage* ..." / "34 *percent*"). Two stems are relatives when both have at least
  MIN_SHARED letters, they share at least MIN_SHARED leading letters, and the shorter
  one has at most MAX_TAIL letters beyond what they share.
- Compounds with a person word: "gunmen" / "gun", "congressman" / "congress",
  "spokesman" / "speak" (through "spoke", an irregular form the tokenizer already knows).
- Nouns made of a verb and its particle: "takeover" / "take (over)", "crackdown" /
  "crack (down)", "setback", "breakthrough", "layoff", "bailout", "comeback". The
  particle is a stopword, so the verb is the word that meets the noun.
- Synonyms: the other words of a word's most frequent sense in WordNet 3.0
  ("surround" / "encircle", "construct" / "build", "free" / "liberate"), from
  thesaurus.tsv.gz beside this module (made by `python -m bench.thesaurus` from Debian's
  wordnet-base package: no Python package installs WordNet's data; licence in
  THESAURUS-LICENSE).

The spelling rules hold for any English corpus; the thesaurus is general English. Neither
can tell every pair apart ("perceive" / "percentage" share five letters; a word's first
sense is not always the one meant), which is why a relative counts less than the word
itself (answer/candidates.py: RELATIVE_CREDIT).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError
from ..ingest import tokens

THESAURUS = Path(__file__).with_name("thesaurus.tsv.gz")

MIN_SHARED = 5  # shorter prefixes join unrelated words ("nati" would join "native")
MAX_TAIL = 2  # "destroy"/"destruct" share "destr": 2 letters left in the shorter one
# Person words that end compounds, as stems ("people" -> "peopl"); longest first, so
# "policewoman" loses "woman", not "man".
PERSON_WORDS = ("person", "peopl", "woman", "women", "man", "men")
# Particles that end phrasal-verb nouns, as stems ("over" -> "ov": "takeover" -> "takeov").
# Not "in"/"on": too many words end so by chance ("season", "Putin").
PARTICLES = ("through", "away", "down", "back", "out", "off", "ov", "up")
MIN_HEAD = 3  # "gunman" has a head; "human", "woman", "group" do not


def shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def are_relatives(a: str, b: str) -> bool:
    """The derivation rule in the module docstring, symmetric in a and b."""
    if a == b or min(len(a), len(b)) < MIN_SHARED or not (a.isalpha() and b.isalpha()):
        return False
    shared = shared_prefix(a, b)
    return shared >= MIN_SHARED and min(len(a), len(b)) - shared <= MAX_TAIL


def derivations(stem: str, sorted_vocabulary: Sequence[str]) -> list[str]:
    """The terms of a sorted vocabulary that are derivation relatives of `stem`: they all
    start with its first MIN_SHARED letters, so one bisection finds the range to check."""
    if len(stem) < MIN_SHARED or not stem.isalpha():
        return []
    head = stem[:MIN_SHARED]
    out = []
    i = bisect_left(sorted_vocabulary, head)
    while i < len(sorted_vocabulary) and sorted_vocabulary[i].startswith(head):
        if are_relatives(stem, sorted_vocabulary[i]):
            out.append(sorted_vocabulary[i])
        i += 1
    return out


def compound_head(term: str, known: Callable[[str], bool]) -> str | None:
    """The index term a compound is built on ("gunmen" -> "gun", "spokesman" -> "speak",
    "takeov" -> "take"), when the corpus uses it; else None. After a person word, a
    linking "s" is dropped when the word without it is known ("spokes|man" -> "spoke" ->
    "speak")."""
    if not term.isalpha():
        return None
    for word in PERSON_WORDS + PARTICLES:
        if term.endswith(word) and len(term) - len(word) >= MIN_HEAD:
            head = term[: -len(word)]
            linked = head.endswith("s") and word in PERSON_WORDS
            tries = (head[:-1], head) if linked else (head,)
            for h in tries:
                base = tokens.term(h) if len(h) >= MIN_HEAD else ""
                if base and base != term and known(base):
                    return base
            return None
    return None


def compounds_by_head(
    vocabulary: Iterable[str], known: Callable[[str], bool]
) -> dict[str, list[str]]:
    """Every compound of the vocabulary, listed under its head."""
    out: dict[str, list[str]] = {}
    for term in vocabulary:
        if term.endswith(PERSON_WORDS + PARTICLES):
            head = compound_head(term, known)
            if head is not None:
                out.setdefault(head, []).append(term)
    return out


@lru_cache(maxsize=1)
def _thesaurus() -> dict[str, tuple[str, ...]]:
    """stem -> synonym stems of the installed table; read once per process (~30 ms)."""
    return read_thesaurus(THESAURUS)


def read_thesaurus(path: Path) -> dict[str, tuple[str, ...]]:
    """A thesaurus table (315 KB compressed): stem -> synonym stems."""
    out: dict[str, tuple[str, ...]] = {}
    for line in _thesaurus_text(path).splitlines():
        if line and not line.startswith("#"):
            word, _, others = line.partition("\t")
            out[word] = tuple(others.split())
    return out


def tokenizer_digest() -> str:
    """The tokenizer settings the thesaurus's stems must have been made with."""
    return hashlib.sha256(json.dumps(tokens.SETTINGS, sort_keys=True).encode()).hexdigest()


def _thesaurus_text(path: Path = THESAURUS) -> str:
    try:
        return gzip.decompress(path.read_bytes()).decode()
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:  # a damaged install
        raise ConfigError(
            f"the installed package is incomplete: cannot read {path.name} ({exc}); "
            "reinstall newsqa"
        ) from exc


def thesaurus_header() -> str:
    """The table's first line: its source and the tokenizer settings it was made with."""
    return _thesaurus_text().partition("\n")[0]


def synonyms(stem: str) -> tuple[str, ...]:
    """The synonym stems of `stem` (its most frequent sense as a noun, a verb and an
    adjective), or ()."""
    return _thesaurus().get(stem, ())
