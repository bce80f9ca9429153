"""Joining a Ray cluster, pinned to the address it was given.

Ray rewrites a loopback address into the machine's interface address before it connects
("127.0.0.1" becomes the host's IP), which on a machine that must talk to nothing but
itself is wrong, and elsewhere surprises. So a loopback cluster is joined with Ray's own
switch for single-host clusters (`RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`), set before Ray
is imported; any other address is used as given. Failures are one `ClusterError` line.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import sys
import threading
from typing import Any

from ..errors import ClusterError

NAMESPACE = "newsqa"
PROBE_TIMEOUT_S = 3.0  # a head that does not accept a connection in this long is not there
_LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def is_loopback(address: str) -> bool:
    return address.startswith(_LOOPBACK)


def connect(address: str) -> Any:
    """Join the cluster at `address` ("host:port" of its head); returns the `ray` module.
    Raises ClusterError when there is no cluster there."""
    if not address or ":" not in address:
        raise ClusterError(f"cluster address {address!r} is not host:port (the Ray head's)")
    if is_loopback(address):
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # before Ray reads it
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no traffic to anyone else
    # A failed task is reported once, as a ClusterError line, not also by Ray's logger.
    os.environ.setdefault("RAY_IGNORE_UNHANDLED_ERRORS", "1")
    try:
        import ray
    except ImportError as exc:
        raise ClusterError("Ray is not installed: pip install 'newsqa-bot[cluster]'") from exc
    if ray.is_initialized():
        return ray
    _reachable(address)  # Ray itself retries an absent head for minutes
    _answers_only_on_stdout()
    try:
        ray.init(
            address=address,
            namespace=NAMESPACE,
            logging_level=logging.ERROR,
            log_to_driver=False,
            configure_logging=True,
        )
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {exc}") from exc
    return ray


# A Ray head's port serves gRPC: HTTP/2, which answers a client's preface with its own
# SETTINGS frame. A port that answers otherwise (a web server, a database) or not at all
# is no Ray head, and Ray would retry it for over ten minutes.
_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
_SETTINGS = 0x04


class _MainThreadStdout(io.TextIOBase):
    """stdout for the main thread (answers, JSON lines); what Ray's own threads print
    there ("(raylet) ...") goes to stderr, so `ask --json` stays JSON."""

    def __init__(self, out: Any, err: Any) -> None:
        self._out, self._err = out, err

    def write(self, text: str) -> int:
        stream = self._out if threading.current_thread() is threading.main_thread() else self._err
        return int(stream.write(text))

    def flush(self) -> None:
        self._out.flush()
        self._err.flush()

    def isatty(self) -> bool:
        return bool(self._out.isatty())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._out, "encoding", "utf-8"))

    def fileno(self) -> int:
        return int(self._out.fileno())


def _answers_only_on_stdout() -> None:
    if not isinstance(sys.stdout, _MainThreadStdout):
        sys.stdout = _MainThreadStdout(sys.stdout, sys.stderr)


def _reachable(address: str) -> None:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_TIMEOUT_S) as s:
            s.sendall(_PREFACE)
            frame = _read(s, 9)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {reason}") from exc
    if len(frame) < 9 or frame[3] != _SETTINGS:
        raise ClusterError(
            f"cannot reach the Ray cluster at {address}: something answers there, but not "
            "a Ray head (give the head's GCS port, 6379 by default)"
        )


def _read(sock: socket.socket, n: int) -> bytes:
    """Up to `n` bytes, until the peer closes or the socket's timeout passes."""
    got = b""
    while len(got) < n:
        try:
            chunk = sock.recv(n - len(got))
        except TimeoutError:
            break
        if not chunk:
            break
        got += chunk
    return got


def alive_nodes() -> list[str]:
    """The ids of the cluster's live nodes, in a stable order."""
    import ray

    return sorted(str(n["NodeID"]) for n in ray.nodes() if n.get("Alive"))  # type: ignore[no-untyped-call]


def get(ref: Any, what: str) -> Any:
    """A Ray result, or one ClusterError line saying what failed."""
    import ray

    try:
        return ray.get(ref)
    except ray.exceptions.RayError as exc:
        raise ClusterError(f"the cluster failed while {what}: {type(exc).__name__}") from exc
