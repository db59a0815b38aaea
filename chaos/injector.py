"""FaultInjector: the source of truth for active faults, with automatic rollback on expiry.

Every change bumps the board version (never below the clock in ms, so it keeps growing across
restarts), so replicas can apply boards idempotently. ``stop_all``
is the kill switch. Each injection gets its own correlation id unless one is given, and its
rollback carries the same id, so the timeline ties a fault to everything it caused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from aref.clock import Clock
from aref.errors import NotFoundError
from aref.events import Event, EventCategory, EventSink, Severity, new_id
from aref.records import to_record
from chaos.faults import ActiveFault, FaultBoard, FaultSpec

HISTORY_LIMIT = 200


class FaultInjector:
    SUBSCRIBES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, clock: Clock, sink: EventSink, services: Sequence[str] | None = None) -> None:
        self._clock = clock
        self._sink = sink
        self._services = tuple(services) if services is not None else None
        self._active: dict[str, ActiveFault] = {}
        self._history: list[dict[str, Any]] = []
        self._version = 0

    @property
    def version(self) -> int:
        return self._version

    def inject(self, spec: FaultSpec, *, correlation_id: str | None = None) -> ActiveFault:
        if self._services is not None and spec.service not in self._services:
            raise NotFoundError("service", spec.service)
        now = self._clock.now()
        fault = ActiveFault(
            id=new_id("FLT"),
            spec=spec,
            started_at=now,
            expires_at=now + spec.duration_s,
            correlation_id=correlation_id or new_id("COR"),
        )
        self._active[fault.id] = fault
        self._bump()
        self._emit(
            fault,
            "fault_injected",
            Severity.WARNING,
            {
                "service": spec.service,
                "fault_type": spec.fault_type.value,
                "provider": spec.provider,
                "rate": spec.rate,
                "delay_ms": spec.delay_ms,
                "duration_s": spec.duration_s,
                "expires_at": fault.expires_at,
            },
        )
        return fault

    def _bump(self) -> None:
        # clock-based, so a restarted injector never issues a version older than one replicas hold
        self._version = max(self._version + 1, int(self._clock.now() * 1000))

    def adopt(self, fault: ActiveFault) -> None:
        """Take over a fault injected before a restart; it still expires at its own time."""
        self._active[fault.id] = fault
        self._bump()

    def rollback(self, fault_id: str, reason: str = "stopped") -> ActiveFault:
        fault = self._active.pop(fault_id, None)
        if fault is None:
            raise NotFoundError("fault", fault_id)
        self._bump()
        self._history.append({**to_record(fault), "rolled_back_at": self._clock.now(), "reason": reason})
        del self._history[:-HISTORY_LIMIT]
        self._emit(fault, "fault_rolled_back", Severity.INFO, {"service": fault.spec.service, "reason": reason})
        return fault

    def stop_all(self, reason: str = "kill switch") -> list[ActiveFault]:
        return [self.rollback(fid, reason) for fid in list(self._active)]

    def tick(self) -> list[ActiveFault]:
        """Roll back every fault whose duration has passed."""
        now = self._clock.now()
        return [self.rollback(f.id, "expired") for f in list(self._active.values()) if now >= f.expires_at]

    def handle(self, events: Sequence[Event]) -> None:
        """The injector consumes no events."""

    def active(self, service: str | None = None) -> list[ActiveFault]:
        return [f for f in self._active.values() if service is None or f.spec.service == service]

    def board(self, service: str | None = None) -> FaultBoard:
        board = FaultBoard(self._version, tuple(self._active.values()))
        return board if service is None else board.for_service(service)

    def status(self) -> dict[str, Any]:
        now = self._clock.now()
        return {
            "version": self._version,
            "active": [{**to_record(f), "remaining_s": max(0.0, f.expires_at - now)} for f in self._active.values()],
            "history": list(reversed(self._history[-20:])),
        }

    def _emit(self, fault: ActiveFault, kind: str, severity: Severity, extra: dict[str, Any]) -> None:
        self._sink.emit(
            Event.create(
                EventCategory.CHAOS,
                kind,
                source="chaos",
                clock=self._clock,
                severity=severity,
                payload={"fault_id": fault.id, **extra},
                correlation_id=fault.correlation_id,
            )
        )
