"""Deterministic replica traffic for tests: what the replicas would record under the current faults.

Each second a service serves ``requests`` requests spread over the replicas the scaler runs;
their uniform draws are evenly spread over [0, 1), so a fault of rate r fails exactly
``round(r * requests)`` of them. The outcome of each request comes from ``chaos.faults.decide``
over the live fault board, and each replica's ``TelemetryAccumulator`` turns them into the
records replicas push to the detection actor. 40 requests per second stay within one replica's
capacity, so the autoscaler keeps quiet unless a test asks for more.
"""

from __future__ import annotations

from typing import Any

from aref.control.plane import ControlPlane
from aref.records import to_record
from aref.telemetry import TelemetryAccumulator
from aref.testing import FakeClock
from aref.topology import SERVICES
from chaos.faults import EffectKind, decide

BASE_LATENCY_MS = 20.0


def replica_records(plane: ControlPlane, clock: FakeClock, requests: int = 40) -> list[dict[str, Any]]:
    board = plane.transport.board()
    start = clock.now()
    clock.advance(1.0)
    records: list[dict[str, Any]] = []
    for service in SERVICES:
        replicas = [
            TelemetryAccumulator(service, f"{service}-r{n}", start)
            for n in range(max(1, plane.transport.fleet.running(service)))
        ]
        for i in range(requests):
            effect = decide(board, service, start, i / requests)
            latency = BASE_LATENCY_MS + (effect.delay_ms if effect.kind is EffectKind.DELAY else 0.0)
            replicas[i % len(replicas)].record(latency, ok=effect.kind not in (EffectKind.ERROR, EffectKind.TIMEOUT))
        records.extend(to_record(acc.flush(clock.now())) for acc in replicas)
    return records


def run_traffic(plane: ControlPlane, clock: FakeClock, ticks: int, requests: int = 40) -> None:
    """``ticks`` seconds of traffic: one telemetry push per second, as the replicas' tick loop does."""
    for _ in range(ticks):
        plane.transport.ingest_telemetry(replica_records(plane, clock, requests))
