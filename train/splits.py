"""Which SQuAD articles train the reader, which fit how it is used, and which are held out.

Split by article, never by question, so no held-out number comes from an article the
reader read in training:

  dev half (`dev-v1.1-half.json`, 24 articles), by article index i:
    i % 3 == 0  train      the reader's training pairs
    i % 3 == 1  calibrate  the rank weight and the evidence model (bench.calibrate):
                           rows the reader never trained on, taken from the serving path
    i % 3 == 2  held out   every number reported for the reader
  SQuAD 2.0 (`train-v2.0-first10.json`, 10 articles):
    every article but Spectre_(2015_film)  train (with Zelda's 160 unanswerable questions)
    Spectre_(2015_film)                    its 188 unanswerable questions (near misses)
                                           are split by paragraph: odd paragraphs
                                           calibrate, even paragraphs are held out

The package reads the held-out titles from the reader's card (bot/encoder/reader.json),
so `python -m bot eval FILE --held-out` reports on them only.
"""

from __future__ import annotations

TRAIN, CALIBRATE, HELD_OUT = "train", "calibrate", "held-out"
NEAR_MISS_ARTICLE = "Spectre_(2015_film)"


def dev_split(article_index: int) -> str:
    return (TRAIN, CALIBRATE, HELD_OUT)[article_index % 3]


def v2_split(title: str, paragraph_index: int) -> str:
    if title != NEAR_MISS_ARTICLE:
        return TRAIN
    return CALIBRATE if paragraph_index % 2 else HELD_OUT
