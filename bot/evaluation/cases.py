"""The bot's own question files (eval/questions.jsonl, eval/pages.jsonl): one case per
line, parsed and checked, and whether a quote answers a case. Pure but for reading the
file; answer patterns are compiled by `regex`, whose matching takes a timeout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from ..errors import EvalFileError
from ..ingest.segment import collapse
from ..safe_io import read_regular

MAX_CASES_BYTES = 64 * 1024 * 1024
MAX_PATTERN_CHARS = 2000


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[str, ...]  # one turn for a plain question; only the last is scored
    pattern: Any = None  # a compiled `regex` pattern
    answers: tuple[str, ...] = ()
    unanswerable: bool = False
    doc: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def expected(self) -> str:
        if self.unanswerable:
            return "(decline)"
        want = self.pattern.pattern if self.pattern else " | ".join(self.answers)
        return want + (f"  in {self.doc}" if self.doc else "")


def parse_case(obj: Any, where: str) -> Case:
    if not isinstance(obj, dict):
        raise EvalFileError(f"{where}: a case must be a JSON object")
    cid = obj.get("id")
    if not isinstance(cid, str) or not cid:
        raise EvalFileError(f'{where}: missing "id"')
    turns = obj.get("turns")
    if turns is None:
        q = obj.get("question")
        if not isinstance(q, str):
            raise EvalFileError(f'{where} ({cid}): needs "question" or "turns"')
        turns = [q]
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) for t in turns):
        raise EvalFileError(f'{where} ({cid}): "turns" must be a non-empty list of strings')
    unanswerable = obj.get("unanswerable") is True
    pattern = None
    answers: tuple[str, ...] = ()
    if not unanswerable:
        if isinstance(obj.get("answer"), str):
            pattern = _pattern(obj["answer"], f"{where} ({cid})")
        elif isinstance(obj.get("answers"), list) and obj["answers"]:
            answers = tuple(str(a) for a in obj["answers"])
        else:
            raise EvalFileError(
                f'{where} ({cid}): needs "answer", "answers" or "unanswerable": true'
            )
    doc = obj.get("doc") if isinstance(obj.get("doc"), str) else None
    raw_tags = obj.get("tags")
    tags = tuple(t for t in raw_tags if isinstance(t, str)) if isinstance(raw_tags, list) else ()
    return Case(cid, tuple(turns), pattern, answers, unanswerable, doc, tags)


MATCH_SECONDS = 1.0  # an answer pattern that backtracks longer than this is refused


def _pattern(text: str, where: str) -> Any:
    """An answer pattern, compiled by `regex` (whose matching takes a timeout: a case
    file may hold "(\\w+\\s?)*$", which backtracks for ever on a long quote)."""
    if len(text) > MAX_PATTERN_CHARS:
        raise EvalFileError(f"{where}: answer pattern longer than {MAX_PATTERN_CHARS} characters")
    try:
        return regex.compile(text, regex.V0)
    except (regex.error, RecursionError, OverflowError, MemoryError, ValueError) as exc:
        raise EvalFileError(f"{where}: bad regex: {exc}") from exc


def load_cases(path: Path) -> list[Case]:
    try:
        data, _ = read_regular(path, MAX_CASES_BYTES, follow=True)
        lines = data.decode("utf-8-sig").splitlines()  # a BOM is no reason to refuse it
    except (OSError, ValueError) as exc:  # includes a FIFO, a device, an oversize file
        raise EvalFileError(f"cannot read {path}: {exc}") from exc
    cases = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{path.name}:{n}: not JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise EvalFileError(f"{path.name}:{n}: nested too deeply") from exc
        if isinstance(obj, dict) and "id" not in obj and "corpus" in obj:
            continue  # the file's corpus directive (pages.corpus_directive)
        case = parse_case(obj, f"{path.name}:{n}")
        if case.id in seen:
            raise EvalFileError(f"{path.name}:{n}: duplicate id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise EvalFileError(f"{path} holds no cases")
    return cases


def is_correct(case: Case, text: str, doc: str) -> bool:
    if case.doc and doc != case.doc:
        return False
    flat = collapse(text)
    if case.pattern is not None:
        try:
            if isinstance(case.pattern, regex.Pattern):
                return case.pattern.search(flat, timeout=MATCH_SECONDS) is not None
            return case.pattern.search(flat) is not None  # a caller's own `re` pattern
        except TimeoutError as exc:
            raise EvalFileError(
                f"case {case.id}: its answer pattern takes over {MATCH_SECONDS:g} s to match "
                "(catastrophic backtracking): simplify it"
            ) from exc
    return any(collapse(a) in flat for a in case.answers)
