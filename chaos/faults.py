"""The fault model: what can be injected, its safety bounds, and how a replica applies it.

Safety bounds (seed): rate ≤ 0.9, duration ≤ 300 s; every fault expires by itself. A replica
decides a request's fate with ``decide`` from its cached ``FaultBoard`` and one uniform random
number, so the data plane needs no call to anyone. Expired faults are ignored locally as well,
so a lost rollback message cannot leave a fault active.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aref.errors import InvalidInputError
from aref.records import from_record, to_record

MAX_RATE = 0.9
MAX_DURATION_S = 300.0
DEFAULT_DELAY_MS = {"latency": 3000.0, "timeout": 30000.0}


class FaultType(StrEnum):
    LATENCY = "latency"
    ERROR = "error"
    TIMEOUT = "timeout"
    CRASH = "crash"


@dataclass(frozen=True)
class FaultSpec:
    service: str
    fault_type: FaultType
    rate: float
    duration_s: float
    delay_ms: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 < self.rate <= MAX_RATE:
            raise InvalidInputError("rate", f"must be > 0 and <= {MAX_RATE} (safety bound), got {self.rate}")
        if not 0.0 < self.duration_s <= MAX_DURATION_S:
            raise InvalidInputError(
                "duration_s", f"must be > 0 and <= {MAX_DURATION_S:g} s (safety bound), got {self.duration_s:g}"
            )
        if self.delay_ms < 0:
            raise InvalidInputError("delay_ms", "must be >= 0")

    @classmethod
    def build(
        cls, service: str, fault_type: str, rate: float, duration_s: float, delay_ms: float | None = None
    ) -> FaultSpec:
        """Validate raw input; latency and timeout faults get the seed's default delay."""
        try:
            kind = FaultType(fault_type)
        except ValueError:
            known = ", ".join(t.value for t in FaultType)
            raise InvalidInputError("fault_type", f"unknown {fault_type!r} (known: {known})") from None
        delay = DEFAULT_DELAY_MS.get(kind.value, 0.0) if delay_ms is None else delay_ms
        return cls(service=service, fault_type=kind, rate=rate, duration_s=duration_s, delay_ms=delay)


@dataclass(frozen=True)
class ActiveFault:
    id: str
    spec: FaultSpec
    started_at: float
    expires_at: float
    correlation_id: str | None = None

    def live(self, now: float) -> bool:
        return self.started_at <= now < self.expires_at


@dataclass(frozen=True)
class FaultBoard:
    """Every active fault, versioned: a replica applies a board only if it is newer."""

    version: int = 0
    faults: tuple[ActiveFault, ...] = ()

    def for_service(self, service: str) -> FaultBoard:
        return FaultBoard(self.version, tuple(f for f in self.faults if f.spec.service == service))

    def to_dict(self) -> dict[str, Any]:
        return dict(to_record(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultBoard:
        return from_record(cls, data)


class EffectKind(StrEnum):
    NONE = "none"
    DELAY = "delay"
    ERROR = "error"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class FaultEffect:
    kind: EffectKind = EffectKind.NONE
    delay_ms: float = 0.0
    fault_id: str | None = None


NO_EFFECT = FaultEffect()


def decide(board: FaultBoard, service: str, now: float, u: float) -> FaultEffect:
    """The effect on one request; ``u`` is a uniform random number in [0, 1).

    The first live, request-level fault of ``service`` whose rate exceeds ``u`` applies.
    Crash faults act on replicas, not requests, and are skipped here.
    """
    for fault in board.faults:
        spec = fault.spec
        if spec.service != service or spec.fault_type is FaultType.CRASH or not fault.live(now):
            continue
        if u < spec.rate:
            kind = {
                FaultType.LATENCY: EffectKind.DELAY,
                FaultType.ERROR: EffectKind.ERROR,
                FaultType.TIMEOUT: EffectKind.TIMEOUT,
            }[spec.fault_type]
            return FaultEffect(kind=kind, delay_ms=spec.delay_ms, fault_id=fault.id)
    return NO_EFFECT
