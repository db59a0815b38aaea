"""The in-memory shop: what one order through the gateway meets under the live faults, and its telemetry.

No I/O and no waiting: ``order`` answers at once with the status and latency the order would
have had. An order visits the services of ``ORDER_PATH`` in the gateway pipeline's order (those the runtime runs); at
each, ``chaos.faults.decide`` picks the effect from the order's draw. Draws are the Weyl sequence
``frac(n * (sqrt(5) - 1) / 2)`` for order n = 0, 1, ..., so a fault of rate r hits a share r of
the orders, evenly spread and reproducibly. A delay adds its ``delay_ms``; an error fails the
order with 503 and a timeout with 504 (after its delay); a service with no replica running fails
it with 503. As in the real pipeline, an unavailable inventory only degrades the order and a
failed receipt never fails it (``NON_CRITICAL``). Every hop costs ``HOP_MS``; the gateway's
latency is the whole order's. Each visited service records the request (ok unless it failed
there; the gateway: unless the order failed) in the telemetry of the replica serving it (order
n -> replica n % replicas); ``flush`` hands a window's records over as replicas push them.
A synthetic order (``synthetic_order``, the prober's) meets the same faults but is recorded
nowhere: it is no customer traffic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aref.records import to_record
from aref.telemetry import TelemetryAccumulator
from chaos.faults import EffectKind, FaultBoard, decide
from chaos.loadgen import SendResult

GATEWAY = "gateway"
ORDER_PATH: tuple[str, ...] = (GATEWAY, "orders", "payments", "inventory", "notifications")
NON_CRITICAL = frozenset({"inventory", "notifications"})
HOP_MS = 5.0
CREATED = 201
WINDOW_S = 1.0  # how much telemetry one push covers, as a replica's tick
_WEYL = (math.sqrt(5.0) - 1.0) / 2.0


def draw(n: int) -> float:
    """Order n's uniform draw in [0, 1)."""
    return (n * _WEYL) % 1.0


@dataclass(frozen=True)
class Visit:
    service: str
    latency_ms: float
    ok: bool


def walk(
    board: FaultBoard, now: float, u: float, replicas: Callable[[str], int], path: Sequence[str] = ORDER_PATH
) -> tuple[SendResult, list[Visit]]:
    """One order's answer and the services of ``path`` it visited (the gateway with the whole latency)."""
    visits: list[Visit] = []
    status, error = CREATED, None
    for service in path:
        if replicas(service) <= 0:
            failure: tuple[int, str] | None = (503, f"{service}: no replica running")
        else:
            effect = decide(board, service, now, u)
            delay = effect.delay_ms if effect.kind in (EffectKind.DELAY, EffectKind.TIMEOUT) else 0.0
            failed = effect.kind in (EffectKind.ERROR, EffectKind.TIMEOUT)
            visits.append(Visit(service, HOP_MS + delay, not failed))
            code = 504 if effect.kind is EffectKind.TIMEOUT else 503
            failure = (code, f"{service}: injected {effect.kind.value}") if failed else None
        if failure is not None and (service == GATEWAY or service not in NON_CRITICAL):
            status, error = failure
            break
    total = sum(v.latency_ms for v in visits)
    if visits and visits[0].service == GATEWAY:
        visits[0] = Visit(GATEWAY, total, status == CREATED)
    return SendResult(status, total, error), visits


class SimulatedShop:
    """Answers orders (``order``) and keeps the telemetry of the current window until ``flush``."""

    def __init__(self, services: Sequence[str], replicas: Callable[[str], int], window_s: float = WINDOW_S) -> None:
        self._path = tuple(s for s in ORDER_PATH if s in services)
        self._replicas = replicas
        self._window_s = window_s
        self._orders = 0
        self._synthetic = 0
        self._window_start: float | None = None
        self._accumulators: dict[tuple[str, int], TelemetryAccumulator] = {}

    @property
    def orders(self) -> int:
        return self._orders

    def order(self, board: FaultBoard, now: float) -> SendResult:
        n = self._orders
        self._orders += 1
        result, visits = walk(board, now, draw(n), self._replicas, self._path)
        if self._window_start is None:
            self._window_start = now
        for visit in visits:
            replica = n % self._replicas(visit.service)
            key = (visit.service, replica)
            if key not in self._accumulators:
                replica_id = f"{visit.service}-mem-{replica}"
                self._accumulators[key] = TelemetryAccumulator(visit.service, replica_id, self._window_start)
            self._accumulators[key].record(visit.latency_ms, visit.ok)
        return result

    def synthetic_order(self, board: FaultBoard, now: float) -> SendResult:
        """The answer one synthetic order gets, leaving the shop's telemetry and order count untouched."""
        n = self._synthetic
        self._synthetic += 1
        return walk(board, now, draw(n), self._replicas, self._path)[0]

    def due(self, now: float) -> bool:
        """A window with orders is at least ``window_s`` old."""
        return self._window_start is not None and now - self._window_start >= self._window_s

    def flush(self, now: float) -> list[dict[str, Any]]:
        """The window's replica telemetry records (``to_record(ReplicaTelemetry)``); a new window starts."""
        records = [to_record(acc.flush(now)) for acc in self._accumulators.values()]
        self._accumulators.clear()
        self._window_start = None
        return records
