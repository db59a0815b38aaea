"""Events: the immutable facts engines publish.

An event's topic is ``"{category}.{type}"`` (e.g. ``detection.alert_fired``). Engines
publish through an ``EventSink``; the runtime decides who receives them (actors/wiring.py),
tests capture them with ``aref.testing.EventCapture``. ``correlation_id`` ties every event
of one incident together, from first alert to closed review.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from aref.clock import Clock


class EventCategory(StrEnum):
    DETECTION = "detection"
    ABSORPTION = "absorption"
    ADAPTATION = "adaptation"
    RECOVERY = "recovery"
    EVOLUTION = "evolution"
    CHAOS = "chaos"
    SYSTEM = "system"


class Severity(StrEnum):
    """Ordered severity; compare with ``rank``."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


def new_id(prefix: str = "") -> str:
    """A short random identifier, optionally prefixed (``INC-1a2b3c4d``)."""
    token = uuid.uuid4().hex
    return f"{prefix}-{token[:8]}" if prefix else token[:12]


@dataclass(frozen=True)
class Event:
    category: EventCategory
    type: str
    severity: Severity
    payload: Mapping[str, Any]
    source: str
    id: str
    timestamp: float
    correlation_id: str | None = None

    @property
    def topic(self) -> str:
        return f"{self.category.value}.{self.type}"

    @classmethod
    def create(
        cls,
        category: EventCategory,
        type: str,
        *,
        source: str,
        clock: Clock,
        severity: Severity = Severity.INFO,
        payload: Mapping[str, Any] | None = None,
        correlation_id: str | None = None,
    ) -> Event:
        return cls(
            category=category,
            type=type,
            severity=severity,
            payload=dict(payload or {}),
            source=source,
            id=new_id(),
            timestamp=clock.now(),
            correlation_id=correlation_id,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "type": self.type,
            "topic": self.topic,
            "severity": self.severity.value,
            "payload": dict(self.payload),
            "source": self.source,
            "id": self.id,
            "timestamp": self.timestamp,
            "correlation_id": self.correlation_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        return cls(
            category=EventCategory(data["category"]),
            type=str(data["type"]),
            severity=Severity(data["severity"]),
            payload=dict(data.get("payload") or {}),
            source=str(data["source"]),
            id=str(data["id"]),
            timestamp=float(data["timestamp"]),
            correlation_id=data.get("correlation_id"),
        )


class EventSink(Protocol):
    """Where an engine publishes its events."""

    def emit(self, event: Event) -> None: ...


@dataclass
class NullSink:
    """Drops every event; for engines whose events nobody needs."""

    dropped: int = field(default=0)

    def emit(self, event: Event) -> None:
        self.dropped += 1
