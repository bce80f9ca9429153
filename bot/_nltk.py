"""Import nltk without the 0.8 s it spends importing scipy.stats.

`import nltk` (which any `from nltk.x import y` triggers) loads nltk.metrics.association,
whose `from scipy.stats import fisher_exact` pulls in all of scipy.stats — for a
collocation statistic this project never uses — and nltk already falls back to a stub
when that import fails. Making it fail for the duration of the nltk import keeps
`python -m bot ask` well under a second; scipy.stats stays importable afterwards.
"""

from __future__ import annotations

import sys


def _import_nltk() -> None:
    if "nltk" in sys.modules or "scipy.stats" in sys.modules:
        return
    sys.modules["scipy.stats"] = None  # type: ignore[assignment]  # -> ImportError in nltk
    try:
        import nltk  # noqa: F401
    finally:
        if sys.modules.get("scipy.stats", 0) is None:
            del sys.modules["scipy.stats"]


_import_nltk()
