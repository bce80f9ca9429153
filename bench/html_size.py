"""Web-page extraction time against page size, to choose the size cap of a web page.

    python -m bench.html_size [--sizes 0.5,1,2,4]

A simple page (an article of repeated paragraphs) of each size in MB, read as a build
reads it (`bot.ingest.html.read_html`: trafilatura, then the roles). The 90 real pages of
the extraction benchmark are at most 1.1 MB.
"""

from __future__ import annotations

import argparse
import time

from bot.ingest.html import read_html

PARAGRAPH = (
    "<p>The island ferry resumed its service on Monday after a storm closed the harbour "
    "for three days, the operator said, and crossings will run every hour from now on.</p>"
)


def page(mb: float) -> str:
    n = int(mb * 1024 * 1024 / len(PARAGRAPH))
    body = f"<article>{PARAGRAPH * n}</article>"
    return f"<html><head><title>Ferry</title></head><body>{body}</body></html>"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="0.5,1,2,4")
    ns = ap.parse_args()
    print("| page (MB) | extraction (s) | s per MB |\n|---|---|---|")
    for mb in (float(x) for x in ns.sizes.split(",")):
        markup = page(mb)
        t = time.perf_counter()
        read_html(markup)
        s = time.perf_counter() - t
        print(f"| {mb:g} | {s:.2f} | {s / mb:.2f} |")


if __name__ == "__main__":
    main()
