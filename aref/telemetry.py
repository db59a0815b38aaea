"""Replica telemetry: what a replica measures over one tick, and how many replicas are merged.

A replica records every request into a ``TelemetryAccumulator`` (no I/O, microseconds) and
flushes it once per tick into an immutable ``ReplicaTelemetry``. The detection side merges the
reports of all replicas of a service into one ``HealthSample``. Latencies go into fixed
buckets so that merging histograms is exact.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aref.errors import InvalidInputError
from aref.models import HealthSample

LATENCY_BOUNDS_MS: tuple[float, ...] = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, math.inf)


@dataclass(frozen=True)
class LatencyHistogram:
    counts: tuple[int, ...] = (0,) * len(LATENCY_BOUNDS_MS)

    def __post_init__(self) -> None:
        if len(self.counts) != len(LATENCY_BOUNDS_MS):
            raise InvalidInputError("counts", f"expected {len(LATENCY_BOUNDS_MS)} buckets")

    @property
    def total(self) -> int:
        return sum(self.counts)

    def merge(self, other: LatencyHistogram) -> LatencyHistogram:
        return LatencyHistogram(tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)))

    def within(self, limit_ms: float) -> int:
        """Requests of the buckets that lie wholly within ``limit_ms`` (a bucket holds (previous bound, bound])."""
        return sum(count for bound, count in zip(LATENCY_BOUNDS_MS, self.counts, strict=True) if bound <= limit_ms)

    def quantile(self, q: float) -> float:
        """Upper bound (ms) of the bucket holding quantile ``q``; 0.0 when empty.

        The open-ended last bucket reports the largest finite bound.
        """
        if not 0.0 <= q <= 1.0:
            raise InvalidInputError("q", "must be within 0..1")
        total = self.total
        if total == 0:
            return 0.0
        rank = max(1, math.ceil(q * total))
        seen = 0
        for bound, count in zip(LATENCY_BOUNDS_MS, self.counts, strict=True):
            seen += count
            if seen >= rank:
                return bound if math.isfinite(bound) else LATENCY_BOUNDS_MS[-2]
        return LATENCY_BOUNDS_MS[-2]


@dataclass(frozen=True)
class ReplicaTelemetry:
    service: str
    replica_id: str
    started_at: float
    ended_at: float
    requests: int
    errors: int
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    actor_name: str = ""
    busy_ms: float = 0.0  # summed latency of the window's requests: busy_ms / span = mean requests in flight


class TelemetryAccumulator:
    """Mutable per-replica counters for the current tick."""

    def __init__(self, service: str, replica_id: str, started_at: float, actor_name: str = "") -> None:
        self.service = service
        self.replica_id = replica_id
        self.actor_name = actor_name
        self._started_at = started_at
        self._requests = 0
        self._errors = 0
        self._busy_ms = 0.0
        self._counts = [0] * len(LATENCY_BOUNDS_MS)

    def record(self, latency_ms: float, ok: bool) -> None:
        self._requests += 1
        self._errors += 0 if ok else 1
        self._busy_ms += latency_ms
        self._counts[bisect.bisect_left(LATENCY_BOUNDS_MS, max(0.0, latency_ms))] += 1

    def flush(self, at: float) -> ReplicaTelemetry:
        """Return this tick's telemetry and start a new tick at ``at``."""
        report = ReplicaTelemetry(
            service=self.service,
            replica_id=self.replica_id,
            started_at=self._started_at,
            ended_at=at,
            requests=self._requests,
            errors=self._errors,
            latency=LatencyHistogram(tuple(self._counts)),
            actor_name=self.actor_name,
            busy_ms=round(self._busy_ms, 3),
        )
        self._started_at, self._requests, self._errors, self._busy_ms = at, 0, 0, 0.0
        self._counts = [0] * len(LATENCY_BOUNDS_MS)
        return report


def merge_service(reports: Iterable[ReplicaTelemetry], service: str, at: float) -> HealthSample:
    """One sample for ``service`` out of its replicas' reports (others are ignored)."""
    mine: Sequence[ReplicaTelemetry] = [r for r in reports if r.service == service]
    histogram = LatencyHistogram()
    for report in mine:
        histogram = histogram.merge(report.latency)
    return HealthSample(
        service=service,
        at=at,
        requests=sum(r.requests for r in mine),
        errors=sum(r.errors for r in mine),
        latency_p50_ms=histogram.quantile(0.5),
        latency_p99_ms=histogram.quantile(0.99),
        replicas=len({r.replica_id for r in mine}),
        latency_counts=histogram.counts,
    )
