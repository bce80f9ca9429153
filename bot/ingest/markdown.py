"""Markdown articles -> plain text and front-matter metadata.

The front matter (a YAML block between `---` lines at the top) becomes metadata and is
never indexed. The rest is parsed with markdown-it (CommonMark) and reduced to its text:
headings, emphasis and links become the words they show, one paragraph per block, so
`#`, `**` or `[text](url)` never reach a quote; images (their alt text) are left out.
Pure functions.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..digest import rule_settings
from .found import Found, from_mapping
from .roles import HEADING, LINK_LIST, TABLE, role_key

_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S
)
MAX_FRONT_MATTER = 64 * 1024  # larger is not front matter but a document: left as text
_BLOCK_ENDS = frozenset(
    "paragraph_close heading_close list_item_close blockquote_close table_close tr_close".split()
)
_PARSER = MarkdownIt("commonmark").enable("table")


def split_front_matter(text: str) -> tuple[dict[str, Any], str, str | None]:
    """(front matter as a mapping, the rest of the text, a note when it was unusable)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text, None
    rest = text[m.end() :]
    if len(m.group(1)) > MAX_FRONT_MATTER:
        return {}, rest, "front matter too large: ignored"
    import yaml  # only Markdown with front matter needs it

    if _has_aliases(m.group(1)):
        # Ten levels of `&x [*y, *y, ...]` expand to billions of nodes from 500 bytes: an
        # alias bomb. Metadata never needs anchors, so front matter with any is ignored.
        return {}, rest, "front matter uses YAML anchors or aliases: ignored"
    try:
        data = yaml.safe_load(m.group(1))
    except (yaml.YAMLError, RecursionError) as exc:
        return {}, rest, f"front matter is not YAML ({type(exc).__name__}): ignored"
    if not isinstance(data, dict):
        return {}, rest, "front matter is not a mapping: ignored"
    return data, rest, None


def _has_aliases(text: str) -> bool:
    """Does the YAML use anchors or aliases? Scanning is linear in its size (no
    structure is built), and stops at the first one."""
    import yaml

    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                return True
    except (yaml.YAMLError, RecursionError):
        return False  # not YAML: safe_load says so, with its own note
    return False


def _blocks(markdown: str) -> tuple[str, dict[str, str]]:
    """(the visible text, one block per paragraph; the roles of its non-body blocks):
    headings, table rows, and blocks that are only a link (a list of other pages)."""
    out: list[str] = []
    roles: dict[str, str] = {}
    current: list[str] = []
    role: str | None = None
    for token in _PARSER.parse(markdown):
        if token.type == "inline":
            current.append(_inline(token.children or []))
            if role is None and _only_link(token.children or []):
                role = LINK_LIST
        elif token.type in ("fence", "code_block"):
            current.append(token.content.strip())
        elif token.type == "heading_open":
            role = HEADING
        elif token.type == "tr_open":
            role = TABLE
        if token.type in _BLOCK_ENDS or token.type in ("fence", "code_block"):
            block = " ".join(p for p in current if p).strip()
            if block:
                out.append(block)
                if role is not None:
                    roles.setdefault(role_key(block), role)
            current, role = [], None
    return "\n\n".join(out) + ("\n" if out else ""), roles


def _only_link(children: list[Token]) -> bool:
    """An inline run that is one link and nothing else: "[Other story](https://...)"."""
    kinds = [c.type for c in children if not (c.type == "text" and not c.content.strip())]
    return (
        bool(kinds)
        and kinds[0] == "link_open"
        and kinds[-1] == "link_close"
        and (kinds.count("link_open") == 1)
    )


def _inline(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            # Alt text describes a picture: like a caption it is never quoted, and kept it
            # would glue itself onto the sentence before ("... the north pier. The pier").
            continue
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline":
            continue
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()


def read_markdown(text: str) -> tuple[str, Found, list[str], dict[str, str]]:
    """(plain text, metadata from the front matter, notes, roles of non-body blocks)."""
    front, body, note = split_front_matter(text)
    found, notes = from_mapping(front)
    plain, roles = _blocks(body)
    return plain, found, [note, *notes] if note else notes, roles


SETTINGS = rule_settings("newsqa-markdown", vars())
