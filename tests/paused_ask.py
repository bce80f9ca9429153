"""`python -m tests.paused_ask CORPUS INDEX FLAG QUESTION`: `ask --json`, except that a build
it makes stops between reading the articles and writing the index until FLAG exists.

The pause rides on the build's own progress callback (its "indexing" stage starts right
after the last article is read), so production code carries no test hook. It says
"build paused" on stderr when it stops there, for the test to wait on.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from bot.answer.pipeline import answer
from bot.encoder.minilm import MiniLM
from bot.interfaces.render import answer_to_json
from bot.opening import open_engine

FLAG_WAIT_S = 60.0


def main() -> None:
    corpus, index, flag, question = sys.argv[1:5]

    def pause(stage: str, done: int, total: int) -> None:
        if stage == "indexing" and done == 0:
            print("build paused", file=sys.stderr, flush=True)
            deadline = time.monotonic() + FLAG_WAIT_S
            while not Path(flag).exists() and time.monotonic() < deadline:
                time.sleep(0.02)  # polls for the test's flag file, a condition

    def notify(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    # The same encoder as `python -m bot ask` (tests/test_reliability.py runs both at once).
    encoder = None if os.environ.get("NEWSQA_LEXICAL") else MiniLM()
    engine = open_engine(Path(corpus), Path(index), notify, progress=pause, encoder=encoder)
    print(json.dumps(answer_to_json(answer(engine, question)), ensure_ascii=False))


if __name__ == "__main__":
    main()
