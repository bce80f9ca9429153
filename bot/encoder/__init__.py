"""Sentence encoders behind the `Encoder` protocol (bot/retrieval.py): `minilm.MiniLM`,
all-MiniLM-L6-v2 as int8 ONNX run by onnxruntime (no PyTorch). Loaded lazily, once per
process, never for `--help`."""
