"""Joining a Ray cluster, pinned to the address it was given.

Ray rewrites a loopback address into the machine's interface address before it connects
("127.0.0.1" becomes the host's IP), which on a machine that must talk to nothing but
itself is wrong, and elsewhere surprises. So a loopback cluster is joined with Ray's own
switch for single-host clusters (`RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`), set before Ray
is imported; any other address is used as given. Failures are one `ClusterError` line.
"""

from __future__ import annotations

import logging
import os
import socket
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


def _reachable(address: str) -> None:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_TIMEOUT_S):
            pass
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {reason}") from exc


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
