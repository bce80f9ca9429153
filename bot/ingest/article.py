"""One article file -> a cleaned document: the step both the build and its Punkt sample use."""

from __future__ import annotations

from pathlib import Path

from ..records import CleanDoc, DocMeta
from .clean import clean_document
from .corpus import RawArticle, read_article


def load_article(
    folder: Path, name: str, doc_id: int, metadata: dict[str, DocMeta]
) -> tuple[CleanDoc, RawArticle] | str:
    """Read and clean one file, or say in a few words why it is skipped."""
    try:
        art = read_article(folder, name)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    except ValueError as exc:
        return str(exc)
    meta = metadata.get(name)
    doc = clean_document(doc_id, name, art.text, meta, art.decode_errors, art.found, art.roles)
    if not doc.paragraphs:
        # A short page of short lines (a score, a list of results) must not lose all of
        # its text to the label rule; every other rule still applies.
        doc = clean_document(
            doc_id, name, art.text, meta, art.decode_errors, art.found, art.roles, False
        )
    if not doc.paragraphs:
        return "no article text after cleaning"
    return doc, art
