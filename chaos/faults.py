"""The fault model: what can be injected, its safety bounds, and how a replica applies it.

Safety bounds (seed): rate ≤ 0.9, duration ≤ 300 s; every fault expires by itself. A replica
decides a request's fate with ``decide`` from its cached ``FaultBoard`` and one uniform random
number, so the data plane needs no call to anyone. Expired faults are ignored locally as well,
so a lost rollback message cannot leave a fault active.

A fault may target one alternative of its service (``provider``: a payment provider): it then
hits only that alternative's attempts (``decide(..., dependency=name)``), never a whole request,
so the service's failover to another alternative can absorb it. Only error faults can be targeted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from aref.errors import InvalidInputError
from aref.records import from_record, to_record

MAX_RATE = 0.9
MAX_DURATION_S = 300.0
DEFAULT_DELAY_MS = {"latency": 3000.0, "timeout": 30000.0}
ALTERNATIVES: Mapping[str, tuple[str, ...]] = MappingProxyType({"payments": ("stripe-sim", "adyen-sim", "paypal-sim")})
"""The alternatives a service fails over between, in declared order (the first is the primary)."""


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
    provider: str | None = None  # one alternative of ``service`` (see ``ALTERNATIVES``); None: the whole service

    def __post_init__(self) -> None:
        if not 0.0 < self.rate <= MAX_RATE:
            raise InvalidInputError("rate", f"must be > 0 and <= {MAX_RATE} (safety bound), got {self.rate}")
        if not 0.0 < self.duration_s <= MAX_DURATION_S:
            raise InvalidInputError(
                "duration_s", f"must be > 0 and <= {MAX_DURATION_S:g} s (safety bound), got {self.duration_s:g}"
            )
        if self.delay_ms < 0:
            raise InvalidInputError("delay_ms", "must be >= 0")
        if self.provider is not None:
            known = ALTERNATIVES.get(self.service, ())
            if self.provider not in known:
                choices = ", ".join(known) if known else f"none: {self.service} has no alternatives"
                raise InvalidInputError("provider", f"unknown {self.provider!r} for {self.service} ({choices})")
            if self.fault_type is not FaultType.ERROR:
                raise InvalidInputError("provider", "only an error fault can target one provider")

    @classmethod
    def build(
        cls,
        service: str,
        fault_type: str,
        rate: float,
        duration_s: float,
        delay_ms: float | None = None,
        provider: str | None = None,
    ) -> FaultSpec:
        """Validate raw input; latency and timeout faults get the seed's default delay."""
        try:
            kind = FaultType(fault_type)
        except ValueError:
            known = ", ".join(t.value for t in FaultType)
            raise InvalidInputError("fault_type", f"unknown {fault_type!r} (known: {known})") from None
        delay = DEFAULT_DELAY_MS.get(kind.value, 0.0) if delay_ms is None else delay_ms
        target = provider or None
        return cls(service=service, fault_type=kind, rate=rate, duration_s=duration_s, delay_ms=delay, provider=target)


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


def decide(board: FaultBoard, service: str, now: float, u: float, dependency: str | None = None) -> FaultEffect:
    """The effect on one request (or, given ``dependency``, on one attempt at that alternative).

    ``u`` is a uniform random number in [0, 1). The first live fault of ``service`` that concerns
    this draw and whose rate exceeds ``u`` applies: an untargeted fault concerns every draw, a
    targeted one only the draws for its ``provider``. Crash faults act on replicas, not requests.
    """
    for fault in board.faults:
        spec = fault.spec
        if spec.service != service or spec.fault_type is FaultType.CRASH or not fault.live(now):
            continue
        if spec.provider is not None and spec.provider != dependency:
            continue
        if u < spec.rate:
            kind = {
                FaultType.LATENCY: EffectKind.DELAY,
                FaultType.ERROR: EffectKind.ERROR,
                FaultType.TIMEOUT: EffectKind.TIMEOUT,
            }[spec.fault_type]
            return FaultEffect(kind=kind, delay_ms=spec.delay_ms, fault_id=fault.id)
    return NO_EFFECT
