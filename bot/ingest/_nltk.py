"""Import nltk without the ~0.9 s it spends importing scipy.

`import nltk` (which any `from nltk.x import y` triggers) loads nltk.metrics.association,
whose `from scipy.stats import fisher_exact` pulls in all of scipy.stats, and
nltk.parse.transitionparser, which tries scipy.sparse — for a collocation statistic and a
parser this project never uses. nltk guards both imports and falls back when they fail,
so making scipy unimportable for the duration of the nltk import keeps
`python -m bot ask` under a second. scipy stays importable afterwards (the index build
uses scipy.sparse).
"""

from __future__ import annotations

import sys

_BLOCKED = ("scipy", "scipy.stats", "scipy.sparse")


def _import_nltk() -> None:
    if "nltk" in sys.modules or any(name in sys.modules for name in _BLOCKED):
        return
    for name in _BLOCKED:
        sys.modules[name] = None  # type: ignore[assignment]  # -> ImportError inside nltk
    try:
        import nltk  # noqa: F401
    finally:
        for name in _BLOCKED:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


_import_nltk()
