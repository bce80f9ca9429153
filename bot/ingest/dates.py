"""Publication dates: only real calendar dates, as ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

Pure functions. A date from metadata.json, a page's metadata, front matter or a dateline
in the text is kept only when it is a real date written with ASCII digits; anything else
is dropped (the caller notes why).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ..digest import rule_settings

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
_ISO_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$", re.ASCII)
_MONTHS = {
    m: i + 1
    for i, names in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())
    for m in (names,)
}
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
# "June 29, 2017", "29 June 2017", "Mon March 25, 2019", "2019-03-23"
_WRITTEN = (
    re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE | re.ASCII),
    re.compile(rf"\b(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})\b", re.IGNORECASE | re.ASCII),
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b", re.ASCII),
)
EARLIEST, LATEST = 1800, 2100


def valid_iso(value: object) -> str | None:
    """`value` when it is a real ISO date (possibly partial); a timestamp is cut to its
    day ("2019-03-23T10:00:00Z" -> "2019-03-23"); otherwise None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if m := _ISO_PREFIX.match(text):
        text = m.group(1)
    m = _ISO.match(text)
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None  # the pattern requires it
    if not EARLIEST <= year <= LATEST:
        return None
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:  # 2017-13-45, 2017-02-30
        return None
    return text


def find_date(line: str) -> str | None:
    """The first real date written in a line of text ("Published June 29, 2017")."""
    return next(_written_dates(line), None)


def dates_in(text: str) -> set[str]:
    """Every real date written in `text`, as ISO days."""
    return set(_written_dates(text))


def _written_dates(text: str) -> Iterator[str]:
    for i, pattern in enumerate(_WRITTEN):
        for m in pattern.finditer(text):
            if i == 0:
                month, day, year = _month(m.group(1)), int(m.group(2)), int(m.group(3))
            elif i == 1:
                day, month, year = int(m.group(1)), _month(m.group(2)), int(m.group(3))
            else:
                year, month, day = (int(g) for g in m.groups())
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            if valid_iso(iso):
                yield iso


def written_date(value: str) -> str | None:
    """A whole value that is one written date: "12 January 2023", "January 12, 2023"."""
    text = value.strip()
    if len(text.split()) > 4:
        return None
    return find_date(text)


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-dates", vars())
