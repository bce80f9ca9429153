"""Regenerate bot/index/thesaurus.tsv.gz, the synonym table, from WordNet 3.0.

    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wordnet-base
    python -m bench.thesaurus wordnet-base/usr/share/wordnet

No Python package installs WordNet with its data (nltk and `wn` download it at run time,
which fails behind firewalls; docs/quality.md lists what was checked), but Debian's
`wordnet-base` package holds the WordNet 3.0 database files, under Princeton's licence
(bot/index/THESAURUS-LICENSE). This script reads them directly (their format is
wndb(5WN)) and writes what answering needs: for each word, in the project's own stems,
the other single words of its most frequent sense as a noun, a verb and an adjective
("surround" -> "encircle", "environ", "ring"...; "construct" -> "build", "make").
Only the first sense: with two, R@1 and the off-corpus declines both fell (docs/quality.md).

Words the tokenizer reads as another word's irregular form are left out ("spoke" the
noun would become "speak" and bring "radius"). The table is in the tokenizer's stems, so
the tokenizer's settings are written in its first line; a test fails when they change
and the table was not regenerated.
"""

from __future__ import annotations

import argparse
import gzip
from collections import defaultdict
from pathlib import Path

from bot.index.morphology import THESAURUS, tokenizer_digest
from bot.ingest import tokens

PARTS_OF_SPEECH = ("noun", "verb", "adj")
SENSES = 1  # most frequent senses per part of speech (2 measured worse: docs/quality.md)


def _word(lemma: str) -> str | None:
    """The stem of a single-word WordNet lemma, or None for phrases ("blow_up"), hyphened
    words (never one index term), irregular forms and words the tokenizer drops."""
    w = lemma.lower()
    if not w.isalpha() or w in tokens.IRREGULAR:  # the tokenizer splits "first-rate"
        return None
    return tokens.term(w) or None


def synsets(folder: Path, pos: str) -> dict[str, list[str]]:
    """Synset offset -> its words, from data.<pos>."""
    out: dict[str, list[str]] = {}
    for line in (folder / f"data.{pos}").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence header
            continue
        parts = line.split()
        count = int(parts[3], 16)
        out[parts[0]] = [parts[4 + 2 * i] for i in range(count)]
    return out


def build(folder: Path) -> dict[str, set[str]]:
    table: dict[str, set[str]] = defaultdict(set)
    for pos in PARTS_OF_SPEECH:
        words_of = synsets(folder, pos)
        for line in (folder / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            # lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...
            parts = line.split()
            source = _word(parts[0])
            if source is None:
                continue
            offsets = parts[4 + int(parts[3]) + 2 :]
            for offset in offsets[:SENSES]:
                for lemma in words_of.get(offset, ()):
                    other = _word(lemma)
                    if other and other != source:
                        table[source].add(other)
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("wordnet", type=Path, help="the folder with index.noun, data.noun, ...")
    ap.add_argument("--out", type=Path, default=THESAURUS)
    ns = ap.parse_args()
    table = build(ns.wordnet)
    lines = [f"# WordNet 3.0, first sense; tokenizer {tokenizer_digest()}"]
    lines += [f"{k}\t{' '.join(sorted(v))}" for k, v in sorted(table.items())]
    data = ("\n".join(lines) + "\n").encode()
    ns.out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    pairs = sum(len(v) for v in table.values())
    print(f"{ns.out}: {len(table):,} words, {pairs:,} synonyms, {ns.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
