"""Cleaning on adversarial lines: each input that once took quadratic time, at 5 to 80 KB.

    python -m bench.clean_rules

A linear rule takes about twice as long for twice the input; the last column is the
time per KB at 80 KB against that at 5 KB (1.0 is linear). Before the length caps of
issue "Hardening" (#4), `cookie-` took 0.17, 0.66, 2.7 and 11 s at 5, 10, 20 and 40 KB.
"""

from __future__ import annotations

import time

from bot.ingest.clean import clean_document

SIZES_KB = (5, 10, 20, 40, 80)
INPUTS = {  # name -> a line of about n characters
    "cookie- repeated": lambda n: "cookie-" * (n // 7),
    "IE1- repeated (browser notice)": lambda n: "IE1-" * (n // 4),
    "lowercase letters (dateline)": lambda n: "a" * n,
    "By xxxx... (byline, dateline)": lambda n: "By " + "x" * n,
    "(photo repeated (photo credit)": lambda n: "(photo" * (n // 6),
    "words without spaces, then a stop": lambda n: "word," * (n // 5) + ".",
}


def seconds(line: str) -> float:
    text = "A Headline Of Some Words\n\n" + line + "\n\nA body sentence ends here.\n"
    t = time.perf_counter()
    clean_document(0, "x.txt", text, None)
    return time.perf_counter() - t


def main() -> None:
    head = " | ".join(f"{kb} KB (s)" for kb in SIZES_KB)
    print(f"| input | {head} | per KB, 80 vs 5 |")
    print("|---" * (len(SIZES_KB) + 2) + "|")
    for name, make in INPUTS.items():
        times = [seconds(make(kb * 1024)) for kb in SIZES_KB]
        ratio = (times[-1] / SIZES_KB[-1]) / max(times[0] / SIZES_KB[0], 1e-9)
        cells = " | ".join(f"{t:.4f}" for t in times)
        print(f"| {name} | {cells} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
