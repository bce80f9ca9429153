"""Every threshold and weight of the answer stage, in one frozen record.

`answer()` takes an `AnswerSettings` (default: `default_settings()`), so a test or a bench
script passes its own instead of patching module globals. The abstention model's fitted
weights live in `evidence.json` beside this module: `python -m bench.calibrate --write`
writes it, and the package reads it once. How each value was chosen is in
docs/quality.md (on development data only: the SQuAD dev half with another seed than the
one reported, and eval/questions.jsonl).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError

DEFAULT_TOP = 3  # quotes per answer, unless asked otherwise
MAX_TOP = 10  # the most any interface may ask for
MAX_QUESTION_CHARS = 2000
EVIDENCE_FILE = Path(__file__).with_name("evidence.json")
EVIDENCE_FEATURES = ("own", "article", "reach", "matched", "sim", "passage_sim", "reader")


@dataclass(frozen=True)
class RankWeights:
    """score = Σ weight·feature over the candidate's `Features` (candidates.py). A fit of
    every feature (`python -m bench.rank_fit`) did no better than these."""

    own: float = 0.5
    match: float = 0.5
    context: float = 0.3
    passage: float = 0.1
    nearby: float = 0.1
    typed: float = 0.2
    # The encoder's cosines (question-sentence, question-passage). On a lexical index they
    # are 0 and add nothing. Chosen on a grid (`python -m bench.dense_grid`, SQuAD seed 1:
    # the first candidate right 0.739 -> 0.761, bundled 0.903 -> 0.914; docs/quality.md).
    sim: float = 0.5
    passage_sim: float = 1.0


@dataclass(frozen=True)
class EvidenceModel:
    """Log-odds that a candidate answers: bias + Σ weight·feature (select.py)."""

    own: float
    article: float
    reach: float
    matched: float
    sim: float
    passage_sim: float
    reader: float
    bias: float

    @classmethod
    def from_json(cls, obj: Any) -> EvidenceModel:
        weights = obj.get("weights") if isinstance(obj, dict) else None
        bias = obj.get("bias") if isinstance(obj, dict) else None
        if not isinstance(weights, dict) or not set(weights) <= set(EVIDENCE_FEATURES):
            raise ValueError(f"weights must be some of {', '.join(EVIDENCE_FEATURES)}")
        values = [weights.get(k, 0) for k in EVIDENCE_FEATURES] + [bias]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            raise ValueError("weights and bias must be numbers")
        return cls(*(float(v) for v in values))

    def to_json(self) -> dict[str, Any]:
        weights = {k: getattr(self, k) for k in EVIDENCE_FEATURES if getattr(self, k)}
        return {"weights": weights, "bias": self.bias}


@lru_cache(maxsize=1)
def _fitted() -> dict[str, Any]:
    try:
        models = json.loads(EVIDENCE_FILE.read_text(encoding="utf-8"))
        if not isinstance(models, dict):
            raise ValueError("not an object")
        return models
    except (OSError, ValueError) as exc:
        raise _incomplete(exc) from exc


def _incomplete(exc: Exception) -> ConfigError:
    return ConfigError(
        f"the installed package is incomplete: cannot read {EVIDENCE_FILE.name} ({exc}); "
        "reinstall newsqa"
    )


@lru_cache(maxsize=3)
def fitted_evidence(kind: str = "lexical") -> EvidenceModel:
    """The packaged model for a lexical index ("lexical"), one with sentence vectors
    ("encoder"), or one with vectors whose candidates the reader read ("reader"), read
    once. A damaged install is one ConfigError line."""
    try:
        return EvidenceModel.from_json(_fitted()[kind])
    except (ValueError, KeyError, TypeError) as exc:
        raise _incomplete(exc) from exc


@lru_cache(maxsize=1)
def fitted_reader_weight() -> float:
    """How much the reader's logit counts beside stage 1's score (rank.py), as fitted."""
    try:
        weight = _fitted()["reader_rank"]["weight"]
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            raise TypeError("weight must be a number")
        return float(weight)
    except (KeyError, TypeError) as exc:
        raise _incomplete(exc) from exc


@dataclass(frozen=True)
class AnswerSettings:
    candidate_passages: int = 20  # passages whose sentences become candidates
    rank: RankWeights = RankWeights()
    evidence: EvidenceModel = field(default_factory=fitted_evidence)  # words only
    evidence_encoder: EvidenceModel = field(default_factory=lambda: fitted_evidence("encoder"))
    evidence_reader: EvidenceModel = field(default_factory=lambda: fitted_evidence("reader"))
    # Stage 2 (rank.py): the reader reads this many eligible candidates of stage 1's
    # order, and its logit counts this much beside stage 1's score.
    reader_top: int = 10
    reader_weight: float = field(default_factory=fitted_reader_weight)
    # A question word held only in another form or word (derivations, compounds, WordNet
    # synonyms: index/morphology.py) counts this much: 0.5-0.7 measured alike on SQuAD
    # seed 1 and the bundled set; 0 is no relatives.
    relative_credit: float = 0.7
    match_k1: float = 1.2  # tf saturation of a quote's own BM25 match ...
    match_b: float = 0.3  # ... and its length normalisation
    near_duplicate: float = 0.8  # Jaccard overlap of two sentences' words that counts as one
    # The kinds of answer every quote must hold, the first one too (select.contains): a
    # candidate without it is passed over, and the bar still decides. "name" and "place"
    # are not gated: without a tagger, "Rebel fighters" or "the police" look like no name.
    containment: frozenset[str] = frozenset(
        {"number", "amount", "date", "age", "duration", "measure", "score"}
    )
    max_question_chars: int = MAX_QUESTION_CHARS
    max_top: int = MAX_TOP
    # Rules switched off, by name, to measure what each is worth (`python -m bench.ablate`):
    # "predicate", "typed_predicate", "two_names", "lead_in", "later_names", "later_needs",
    # "spelling", "containment"; and the follow-up rules of followup.RULES
    # (`python -m bench.followups`).
    # Empty in use.
    off: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def default_settings() -> AnswerSettings:
    return AnswerSettings()
