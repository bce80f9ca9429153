"""Evaluation: question files on a corpus, SQuAD files as corpora, the plain rank-bm25
baseline beside the bot, and their tables. Interfaces (`eval_cli.py`) only parse arguments
and print what these return; `bench/` imports its helpers from here."""
