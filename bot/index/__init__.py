"""The index on disk, read side: its records, loading it, checking it is fresh, and
searching it (BM25 with exact pruning). Never imports `bot.indexer`."""
