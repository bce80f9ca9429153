"""Everything in ingest that shapes what an index holds, as one fingerprinted record.

The builder writes `ingest_settings()` into the index; the opening check compares it, so
changing any rule constant of any of these modules (see `bot/digest.py`) rebuilds old
indexes. The BM25 parameters are recorded beside it (`bot/index/fresh.py`).
"""

from __future__ import annotations

from typing import Any

from . import (
    boundaries,
    clean,
    corpus,
    dates,
    found,
    furniture,
    page_meta,
    readers,
    roles,
    segment,
    tokens,
)


def ingest_settings() -> dict[str, Any]:
    return {
        "tokenizer": tokens.SETTINGS,
        "corpus": corpus.SETTINGS,
        "readers": readers.settings(),
        "clean": clean.SETTINGS,
        "furniture": furniture.SETTINGS,
        "roles": roles.SETTINGS,
        "boundaries": boundaries.SETTINGS,
        "found": found.SETTINGS,
        "page_meta": page_meta.SETTINGS,
        "dates": dates.SETTINGS,
        "segment": segment.SETTINGS,
    }
