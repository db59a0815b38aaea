"""Named metrics read from a ``HealthSample``.

A metric is ``None`` when the sample carries no information about it: a tick without requests
says nothing about error rate or latency, so detectors skip it instead of reading it as healthy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aref.errors import InvalidInputError
from aref.models import HealthSample


def _when_traffic(read: Callable[[HealthSample], float]) -> Callable[[HealthSample], float | None]:
    return lambda s: read(s) if s.requests > 0 else None


METRICS: Mapping[str, Callable[[HealthSample], float | None]] = {
    "error_rate": _when_traffic(lambda s: s.error_rate),
    "latency_p99": _when_traffic(lambda s: s.latency_p99_ms),
    "latency_p50": _when_traffic(lambda s: s.latency_p50_ms),
    "requests": lambda s: float(s.requests),
    "errors": lambda s: float(s.errors),
    "replicas": lambda s: float(s.replicas),
}


def require_metric(name: str, field: str = "metric") -> str:
    if name not in METRICS:
        raise InvalidInputError(field, f"unknown metric {name!r} (known: {', '.join(METRICS)})")
    return name


def metric_value(sample: HealthSample, name: str) -> float | None:
    return METRICS[require_metric(name)](sample)
