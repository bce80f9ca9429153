"""Reading articles: the corpus folder, decoding, HTML, cleaning, metadata, sentences,
passages and the one tokenizer. Pure apart from `corpus.py`, which reads the files."""
