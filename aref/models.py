"""Shared domain models: pillars, incidents with their lifecycle, action items, health samples.

All models are frozen; a change returns a new value (``Incident.advance``). Incident status
moves forward only along ``INCIDENT_TRANSITIONS``; the onset, detected and resolved
timestamps feed MTTD and MTTR (``aref.scoring``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from aref.errors import ConflictError, InvalidInputError


class Pillar(StrEnum):
    DETECTION = "detection"
    ABSORPTION = "absorption"
    ADAPTATION = "adaptation"
    RECOVERY = "recovery"
    EVOLUTION = "evolution"


class IncidentSeverity(StrEnum):
    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"


class IncidentStatus(StrEnum):
    DETECTED = "detected"
    ABSORBING = "absorbing"
    ADAPTING = "adapting"
    RECOVERING = "recovering"
    RESOLVED = "resolved"
    POST_REVIEW = "post_review"
    CLOSED = "closed"


_ORDER = list(IncidentStatus)
INCIDENT_TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    status: frozenset(
        s
        for s in _ORDER[i + 1 :]
        # mitigation phases may be skipped, but nothing skips resolution or review
        if _ORDER.index(s) <= _ORDER.index(IncidentStatus.RESOLVED) or s == _ORDER[i + 1]
    )
    for i, status in enumerate(_ORDER)
}


class RecoveryTier(IntEnum):
    T0 = 0
    T1 = 1
    T2 = 2
    T3 = 3
    T4 = 4


class DetectionClass(StrEnum):
    THRESHOLD = "threshold"
    ANOMALY = "anomaly"
    SYNTHETIC = "synthetic"
    SLO_BURN = "slo_burn"
    CHANGE_CORRELATION = "change_correlation"
    HUMAN_OBSERVATION = "human_observation"
    PREDICTIVE = "predictive"


class AnomalyClass(StrEnum):
    TRANSIENT = "transient"
    PERSISTENT = "persistent"
    ESCALATING = "escalating"


@dataclass(frozen=True)
class TimelineEntry:
    at: float
    kind: str
    detail: str


@dataclass(frozen=True)
class Incident:
    id: str
    title: str
    service: str
    severity: IncidentSeverity
    onset_at: float
    correlation_id: str
    status: IncidentStatus = IncidentStatus.DETECTED
    detected_at: float | None = None
    resolved_at: float | None = None
    detection_class: DetectionClass | None = None
    anomaly_class: AnomalyClass | None = None
    recovery_tier: RecoveryTier | None = None
    fault_signature: str = ""
    timeline: tuple[TimelineEntry, ...] = ()
    onset_witness: str = "breaching_sample"
    """Who saw ``onset_at``: clients, probes, or the detector's first breaching sample."""

    def __post_init__(self) -> None:
        if self.detected_at is not None and self.detected_at < self.onset_at:
            raise InvalidInputError("detected_at", "must not precede onset_at")
        if self.resolved_at is not None and self.resolved_at < self.onset_at:
            raise InvalidInputError("resolved_at", "must not precede onset_at")

    def advance(self, status: IncidentStatus, at: float, detail: str = "") -> Incident:
        """Move to ``status`` at time ``at``; refuses transitions the lifecycle forbids."""
        if status not in INCIDENT_TRANSITIONS[self.status]:
            raise ConflictError(f"incident {self.id}: cannot go from {self.status.value} to {status.value}")
        resolved_at = self.resolved_at
        if status == IncidentStatus.RESOLVED and resolved_at is None:
            resolved_at = at
        return dataclasses.replace(
            self,
            status=status,
            resolved_at=resolved_at,
            timeline=(*self.timeline, TimelineEntry(at, status.value, detail)),
        )

    def note(self, at: float, kind: str, detail: str) -> Incident:
        """Append a timeline entry without changing status."""
        return dataclasses.replace(self, timeline=(*self.timeline, TimelineEntry(at, kind, detail)))

    @property
    def is_open(self) -> bool:
        return self.status not in (IncidentStatus.RESOLVED, IncidentStatus.POST_REVIEW, IncidentStatus.CLOSED)

    @property
    def time_to_detect(self) -> float | None:
        return None if self.detected_at is None else self.detected_at - self.onset_at

    @property
    def time_to_resolve(self) -> float | None:
        return None if self.resolved_at is None else self.resolved_at - self.onset_at


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ActionStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


@dataclass(frozen=True)
class ActionItem:
    id: str
    incident_id: str
    title: str
    pillar: Pillar
    created_at: float
    description: str = ""
    owner: str = "unassigned"
    priority: Priority = Priority.MEDIUM
    status: ActionStatus = ActionStatus.OPEN
    due_at: float | None = None
    completed_at: float | None = None

    def complete(self, at: float) -> ActionItem:
        if self.status == ActionStatus.COMPLETED:
            raise ConflictError(f"action {self.id} is already completed")
        return dataclasses.replace(self, status=ActionStatus.COMPLETED, completed_at=at)


@dataclass(frozen=True)
class HealthSample:
    """Aggregated telemetry of one service over one tick.

    ``latency_counts`` is the merged latency histogram (requests per bucket of
    ``aref.telemetry.LATENCY_BOUNDS_MS``); empty when the sample was not built from one.
    """

    service: str
    at: float
    requests: int
    errors: int
    latency_p50_ms: float = 0.0
    latency_p99_ms: float = 0.0
    replicas: int = 1
    latency_counts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.requests < 0:
            raise InvalidInputError("requests", "must be >= 0")
        if not 0 <= self.errors <= self.requests:
            raise InvalidInputError("errors", "must be between 0 and requests")
        if any(count < 0 for count in self.latency_counts):
            raise InvalidInputError("latency_counts", "must be >= 0")

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0
