"""HTML pages -> plain text: the visible text, one block element per paragraph.

For HTML files the verbatim contract holds against this text, since the markup itself is
not prose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..digest import rule_settings

_BLANK_RUN = re.compile(r"\n{3,}")


# Never text: scripts, styles and the page's own furniture blocks.
_SKIP_TAGS = frozenset("script style nav header footer aside form noscript svg".split())
# Elements that start a new paragraph.
_BLOCK_TAGS = frozenset(
    "p div br li h1 h2 h3 h4 h5 h6 tr section article blockquote figcaption title".split()
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(" ".join(data.split()) if data.strip() else "")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per paragraph. For HTML files the
    verbatim contract holds against this text, since the markup itself is not prose."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    return _BLANK_RUN.sub("\n\n", text).strip() + "\n"


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-html", vars())
