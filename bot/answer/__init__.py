"""Answering: question analysis, passage retrieval, sentence ranking, abstention,
follow-ups and conversation memory. `pipeline.answer` is the one answer function."""
