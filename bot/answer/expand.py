"""Query expansion: words people ask with that news copy says differently.

A small, general thesaurus of news and conflict reporting, owned by the project (no
WordNet download). Only questions are expanded, never the index, so a quote is always
chosen for words it really contains. Each group is symmetric; phrases are not needed
because the expansion works on stems ("blew up" -> "blew" ~ "destroy").
"""

from __future__ import annotations

from functools import lru_cache

from ..ingest.tokens import analyze

_GROUPS: tuple[str, ...] = (
    "trapped stuck caught besieged surrounded encircled",
    "destroyed destruction blew blown demolished detonated razed wrecked ruined",
    "killed dead deaths died casualties fatalities slain",
    "fighters militants extremists jihadists insurgents combatants",
    "civilians noncombatants residents inhabitants people",
    "captured seized retook retaken recaptured recapture took taken takeover liberated freed",
    "defeated defeat beaten vanquished lost loss losses",
    "victory won win triumph",
    "announced declared proclaimed said stated",
    "leader chief head commander",
    "spokesman spokesperson spokeswoman",
    "mosque minaret",
    "city town",
    "village hamlet",
    "soldiers troops forces army military",
    "attack offensive assault strike",
    "airstrike airstrikes bombing bombed bombs bombardment",
    "fled flee escape escaped evacuated",
    "dropped drop unleashed unleash",
    "built constructed erected",
    "share percent percentage proportion",
    "raised raise hoisted hoist",
    "tweeted tweet twitter",
    "statement announcement",
    "president leader",
    "flag banner",
    "begin began launched start started",
    "end ended finish finished",
    "threat danger",
    "affiliates branches offshoots",
    "estimate estimated believe believed reckon",
    "old historic ancient",
    "us american",
    "iraq iraqi iraqis",
    "syria syrian syrians",
    "kurd kurds kurdish",
    "britain british uk",
    "america american americans",
    "isis daesh isil",
    "twelfth 12th",
    "hospital medical",
)


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in _GROUPS:
        stems = {s for word in group.split() for s in analyze(word)}
        for s in stems:
            table.setdefault(s, set()).update(stems)
    return {k: frozenset(v - {k}) for k, v in table.items()}


def synonyms(stem: str) -> frozenset[str]:
    """Other stems that should count as a match for `stem` (never including itself)."""
    return _table().get(stem, frozenset())
