"""Prometheus metrics of one replica, in a registry of its own (never the process-global one).

``/metrics`` of a service serves ``render()`` of the replica that answered: its requests by
operation and outcome, request latency, injected faults, calls per downstream edge and the
state of each edge's local breaker (0 closed, 1 half-open, 2 open).
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from aref.absorption.breaker import BreakerState

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ReplicaMetrics:
    def __init__(self, service: str, replica_id: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._labels = {"service": service, "replica": replica_id}
        names = ("service", "replica")
        self._requests = Counter(
            "aref_service_requests", "Business requests served", [*names, "op", "outcome"], registry=self.registry
        )
        self._latency = Histogram(
            "aref_service_request_latency_seconds",
            "Business request latency",
            [*names, "op"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self._faults = Counter(
            "aref_service_faults_injected", "Chaos faults that hit a request", [*names, "kind"], registry=self.registry
        )
        self._edge_calls = Counter(
            "aref_edge_calls",
            "Guarded calls to a dependency by outcome",
            [*names, "edge", "outcome"],
            registry=self.registry,
        )
        self._breaker = Gauge(
            "aref_edge_breaker_state",
            "Local breaker state: 0 closed, 1 half-open, 2 open",
            [*names, "edge"],
            registry=self.registry,
        )
        self._fault_version = Gauge(
            "aref_service_fault_board_version", "Version of the cached fault board", names, registry=self.registry
        )

    def request(self, op: str, status: int, latency_s: float) -> None:
        outcome = "error" if status >= 500 else "client_error" if status >= 400 else "ok"
        self._requests.labels(**self._labels, op=op, outcome=outcome).inc()
        self._latency.labels(**self._labels, op=op).observe(max(0.0, latency_s))

    def fault(self, kind: str) -> None:
        self._faults.labels(**self._labels, kind=kind).inc()

    def edge_call(self, edge: str, outcome: str) -> None:
        self._edge_calls.labels(**self._labels, edge=edge, outcome=outcome).inc()

    def breaker(self, edge: str, state: BreakerState) -> None:
        self._breaker.labels(**self._labels, edge=edge).set(state.rank)

    def fault_version(self, version: int) -> None:
        self._fault_version.labels(**self._labels).set(version)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def memory_mb() -> float:
    """Resident memory of this process in MB (0.0 where /proc is unavailable)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
