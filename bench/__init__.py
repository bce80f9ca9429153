"""Benchmarks: not part of the tests. Run `python -m bench.run` (see README)."""
