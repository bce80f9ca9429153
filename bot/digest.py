"""Fingerprints of rule settings, so an index built under other rules is detected.

A module that shapes what the index holds (cleaning, segmentation, decoding) describes
itself with `rule_settings(name, vars())`: a digest of every module-level constant
(UPPER_CASE or _UPPER_CASE names bound to strings, numbers, patterns, sets or tuples).
Changing a rule constant changes the digest, the index records it, and the next command
rebuilds: nobody has to remember to bump a version by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

_CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


def _canonical(value: object) -> Any:
    """A JSON-able, order-stable form of a rule constant, or None when it is not one."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, re.Pattern):
        pattern = value.pattern  # a bytes pattern is ASCII: kept as its text
        text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
        return ["re", text, int(value.flags)]
    if isinstance(value, frozenset | set):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, tuple | list):
        items = [_canonical(v) for v in value]
        return None if any(i is None for i in items) else items
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return None


def rule_settings(name: str, namespace: Mapping[str, object]) -> dict[str, str]:
    """{"name", "sha256"} over the rule constants found in `namespace` (a module's vars())."""
    rules = {
        key: canon
        for key, value in sorted(namespace.items())
        if _CONSTANT.match(key) and key != "SETTINGS" and (canon := _canonical(value)) is not None
    }
    blob = json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()
    return {"name": name, "sha256": hashlib.sha256(blob).hexdigest()}
