"""Synthetic requests (the prober's): tagged at the edge, carried along, never customer traffic.

A request carrying ``X-AREF-Synthetic: 1`` runs inside ``synthetic_scope`` (``SyntheticTag`` in
``services.base.replica``, a middleware every service's app has); a replica calling another service from there
calls it through the callee's ``synthetic`` handle method, which runs the call in the scope
too. Inside the scope a replica records the request nowhere a customer figure comes from
(request and error counts, its telemetry for detection, its Prometheus series, the gateway's
request log); it only counts it as synthetic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aref.detection.probes import SYNTHETIC_HEADER

_SYNTHETIC: ContextVar[bool] = ContextVar("aref_synthetic", default=False)
_HEADER = SYNTHETIC_HEADER.lower().encode()


def is_synthetic() -> bool:
    """Whether the request being served is a synthetic one."""
    return _SYNTHETIC.get()


@contextmanager
def synthetic_scope() -> Iterator[None]:
    token = _SYNTHETIC.set(True)
    try:
        yield
    finally:
        _SYNTHETIC.reset(token)


def tags_synthetic(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether raw ASGI headers carry ``X-AREF-Synthetic: 1``."""
    return (_HEADER, b"1") in headers
