"""Loading a shipped ONNX model and its tokenizer, checked, for the encoder and the reader.

Every model file is checked before use, never downloaded: it must be a regular file (a
named pipe in its place would block forever), of exactly its known size (read only then:
a 2.5 GB file in its place is refused before a byte is read), with its known sha256. The
session is made from those same bytes, so what runs is what was checked. A model that is
missing, damaged or will not load is one ConfigError line naming what to do, never a
silent fallback. Loading is lazy, once, thread-safe, and may start in the background
(`LazyModel.warm`) while a command opens the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..safe_io import read_regular

REINSTALL = "reinstall newsqa (pip install --force-reinstall newsqa-bot)"


@dataclass(frozen=True)
class ModelFiles:
    """A model's weights and tokenizer, with what each must be."""

    what: str  # for messages: "sentence encoder", "reader"
    weights: Path
    sha256: str
    size: int  # bytes
    tokenizer: Path
    tokenizer_sha256: str
    tokenizer_size: int
    remedy: str = REINSTALL


def checked(path: Path, sha256: str, size: int, what: str, remedy: str) -> bytes:
    """The bytes of `path`, when it is a regular file of `size` bytes with `sha256`."""
    try:
        data, _ = read_regular(path, size, follow=True)
    except (OSError, ValueError) as exc:  # missing, not a regular file, larger than known
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"cannot read the {what} ({reason}): {remedy}") from exc
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
        raise ConfigError(f"the {what} is damaged (checksum mismatch): {remedy}")
    return data


def load(files: ModelFiles, threads: int) -> tuple[Any, Any]:
    """(onnxruntime session, tokenizers Tokenizer), both from checked bytes."""
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ConfigError(
            f"the {files.what}'s runtime is missing ({exc.name}): {files.remedy}"
        ) from exc
    weights = checked(
        files.weights, files.sha256, files.size, f"{files.what}'s weights", files.remedy
    )
    vocab = checked(
        files.tokenizer,
        files.tokenizer_sha256,
        files.tokenizer_size,
        f"{files.what}'s tokenizer",
        files.remedy,
    )
    tokenizer = Tokenizer.from_str(vocab.decode("utf-8"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # its warnings are not the user's business
    try:
        session = ort.InferenceSession(weights, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors on a bad model
        raise ConfigError(
            f"the {files.what} cannot load ({type(exc).__name__}): {files.remedy}"
        ) from exc
    return session, tokenizer


class LazyModel:
    """A model loaded on first use (`loaded()`), or in the background after `warm()`."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None
        self._warming: threading.Thread | None = None

    def files(self) -> ModelFiles:
        raise NotImplementedError

    def prepared(self, session: Any, tokenizer: Any) -> tuple[Any, Any]:
        """Set the tokenizer up for this model (truncation, padding)."""
        return session, tokenizer

    def loaded(self) -> tuple[Any, Any]:
        with self._lock:
            if self._loaded is None:
                self._loaded = self.prepared(*load(self.files(), self.threads))
            return self._loaded

    def warm(self) -> None:
        """Start loading in the background, so that loading (mostly onnxruntime making
        its session, which lets go of the GIL) overlaps with opening the index on another
        core. Idempotent. A failure is not reported here: the first use loads again and
        raises it, on the thread that asked."""
        try:
            # Imported here, on the calling thread: numpy's C extension imported by two
            # threads at once fails ("partially initialized module").
            import numpy  # noqa: F401
            import onnxruntime  # noqa: F401
            import tokenizers  # noqa: F401
        except ImportError:
            return  # the first use reports the missing runtime, as one line
        with self._lock:
            if self._loaded is not None or self._warming is not None:
                return
            # Not a daemon: an early exit waits for the load rather than tearing the
            # interpreter down under onnxruntime. It cannot hang: files are opened without
            # blocking (a named pipe in a model's place is refused at once).
            self._warming = threading.Thread(
                target=self._warm, name=f"newsqa-{type(self).__name__}-load"
            )
            self._warming.start()

    def _warm(self) -> None:
        with contextlib.suppress(Exception):  # raised again by the first use
            self.loaded()
