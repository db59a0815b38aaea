"""Step 1 of the decision tree: read and assess the signals adaptation consumes.

``AlertSignal`` is a validated ``detection.alert_fired`` payload; ``BreakerSignal`` a validated
circuit-breaker event. Parsing raises ``InvalidInputError`` naming the payload field, so a
malformed event never reaches the decision tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aref.errors import InvalidInputError
from aref.events import Event, Severity
from aref.models import DetectionClass


class MetricKind(StrEnum):
    """What kind of trouble a metric reports; strategies fit one kind or another."""

    ERRORS = "errors"
    LOAD = "load"
    OTHER = "other"


_ERROR_WORDS = ("error", "availability", "probe", "success", "fail")
_LOAD_WORDS = ("latency", "duration", "saturation", "cpu", "queue", "load", "concurrency")


def metric_kind(metric: str) -> MetricKind:
    """Classify a metric name: error-like metrics first, then latency/load-like ones."""
    name = metric.lower()
    if any(word in name for word in _ERROR_WORDS):
        return MetricKind.ERRORS
    if any(word in name for word in _LOAD_WORDS):
        return MetricKind.LOAD
    return MetricKind.OTHER


def _text(payload: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = payload.get(key, default)
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"payload.{key}", "must be a non-empty string")
    return value


def _number(payload: Mapping[str, Any], key: str, default: float | None = None) -> float:
    value = payload.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError(f"payload.{key}", "must be a number")
    return float(value)


def _budget(details: Any) -> float | None:
    value = details.get("budget_consumed") if isinstance(details, Mapping) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError("payload.details.budget_consumed", "must be a number")
    return float(value)


@dataclass(frozen=True)
class AlertSignal:
    """One fired alert, as adaptation sees it."""

    alert_id: str
    fingerprint: str
    service: str
    metric: str
    severity: Severity
    value: float
    threshold: float
    onset_at: float
    fired_at: float
    detector: str = ""
    detection_class: DetectionClass | None = None
    budget_consumed: float | None = None
    """The error budget consumed of the alert's SLO (payload ``details.budget_consumed``), if it has one."""

    def __post_init__(self) -> None:
        if self.onset_at > self.fired_at:
            raise InvalidInputError("payload.onset_at", "must not be after fired_at")
        if self.budget_consumed is not None and not self.budget_consumed >= 0:
            raise InvalidInputError("payload.details.budget_consumed", "must be >= 0")

    @classmethod
    def from_event(cls, event: Event) -> AlertSignal:
        payload = event.payload
        try:
            severity = Severity(str(payload.get("severity")))
        except ValueError:
            raise InvalidInputError("payload.severity", f"must be one of {[s.value for s in Severity]}") from None
        raw_class = payload.get("detection_class")
        try:
            detection_class = DetectionClass(raw_class) if raw_class is not None else None
        except ValueError:
            raise InvalidInputError("payload.detection_class", f"unknown class {raw_class!r}") from None
        fired_at = _number(payload, "fired_at", event.timestamp)
        alert_id = _text(payload, "alert_id")
        return cls(
            alert_id=alert_id,
            fingerprint=_text(payload, "fingerprint", alert_id),
            service=_text(payload, "service"),
            metric=_text(payload, "metric"),
            severity=severity,
            value=_number(payload, "value"),
            threshold=_number(payload, "threshold"),
            onset_at=_number(payload, "onset_at", fired_at),
            fired_at=fired_at,
            detector=str(payload.get("detector") or ""),
            detection_class=detection_class,
            budget_consumed=_budget(payload.get("details")),
        )

    @property
    def kind(self) -> MetricKind:
        return metric_kind(self.metric)

    def describe(self) -> str:
        """Step-1 assessment in words: what breached, by how much, how bad."""
        ratio = f" ({self.value / self.threshold:.1f}x)" if self.threshold else ""
        return (
            f"{self.service} {self.metric}={self.value:g} vs threshold {self.threshold:g}{ratio}, "
            f"{self.severity.value} {self.kind.value} signal"
        )


@dataclass(frozen=True)
class Resolution:
    """A ``detection.alert_resolved`` event."""

    alert_id: str
    service: str
    resolved_at: float

    @classmethod
    def from_event(cls, event: Event) -> Resolution:
        payload = event.payload
        return cls(
            alert_id=_text(payload, "alert_id"),
            service=_text(payload, "service"),
            resolved_at=_number(payload, "resolved_at", event.timestamp),
        )


@dataclass(frozen=True)
class BreakerSignal:
    """A circuit breaker on edge ``service -> dependency`` opened or closed."""

    breaker: str
    service: str
    dependency: str

    @classmethod
    def from_event(cls, event: Event) -> BreakerSignal:
        payload = event.payload
        return cls(
            breaker=_text(payload, "breaker"),
            service=_text(payload, "service"),
            dependency=_text(payload, "dependency"),
        )
