"""Building the index: articles -> passages and sentences -> BM25 weights and pruning
extras -> a build folder switched into place atomically. Only `bot.opening` and the
`index` command import it."""
