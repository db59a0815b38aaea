"""What a run saw, and the measures taken from it (pure).

An ``Observation`` is a snapshot of everything the runner gathered since it started: alerts,
timeline events, breaker snapshots, steady-state samples, replica counts and the load
generator's record. All times are POSIX seconds; every delay is measured from ``injected_at``,
the injection timestamp the chaos API reported. The fault window runs from the injection to
its end (rollback or expiry) plus ``grace_s``, so an alert fired by a detector's trailing window
just after the rollback still counts as caused by the fault.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aref import topics
from aref.events import EventCategory
from chaos.loadgen import ClientRecord

MITIGATING = (EventCategory.ABSORPTION.value, EventCategory.ADAPTATION.value)


@dataclass(frozen=True)
class SeenAlert:
    id: str
    service: str
    detector: str
    fired_at: float
    correlation_id: str
    severity: str = ""

    @classmethod
    def from_view(cls, view: Mapping[str, Any]) -> SeenAlert:
        return cls(
            id=str(view["id"]),
            service=str(view["service"]),
            detector=str(view["detector"]),
            fired_at=float(view["fired_at"]),
            correlation_id=str(view["correlation_id"]),
            severity=str(view.get("severity", "")),
        )


@dataclass(frozen=True)
class SeenEvent:
    id: str
    topic: str
    timestamp: float
    correlation_id: str | None
    payload: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_view(cls, view: Mapping[str, Any]) -> SeenEvent:
        return cls(
            id=str(view["id"]),
            topic=str(view["topic"]),
            timestamp=float(view["timestamp"]),
            correlation_id=view.get("correlation_id"),
            payload=dict(view.get("payload") or {}),
        )

    @property
    def category(self) -> str:
        return self.topic.split(".", 1)[0]

    def concerns(self, service: str) -> bool:
        return service in (self.payload.get("service"), self.payload.get("dependency"))


@dataclass(frozen=True)
class SteadySample:
    at: float
    ok: bool
    values: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ReplicaSample:
    at: float
    running: int
    target: int
    ids: tuple[str, ...] = ()  # the running replicas, when the API names them


@dataclass(frozen=True)
class ControlSample:
    """What the controls had done at one poll (each part empty when its read failed or gave nothing).

    ``running`` and ``tiers``: per service, Serve's running replicas and its degradation tier
    (the API's services view); ``flags``: flag name -> enabled on some replica (what the live
    replicas report they applied, ``GET /controls/applied``);
    ``captured``: per alternative of the target (a payment provider), the payments it captured
    so far, as the payments replicas count them.
    """

    at: float
    running: Mapping[str, int] = field(default_factory=dict)
    tiers: Mapping[str, str | None] = field(default_factory=dict)
    flags: Mapping[str, bool] = field(default_factory=dict)
    captured: Mapping[str, int] = field(default_factory=dict)

    def busy(self) -> tuple[str, ...]:
        """What AREF still holds at this poll: services off the full tier, flags off on a replica."""
        degraded = (
            f"{service} at {tier}" for service, tier in sorted(self.tiers.items()) if tier not in (None, "full")
        )
        off = (f"{name} off" for name, enabled in sorted(self.flags.items()) if not enabled)
        return (*degraded, *off)


@dataclass(frozen=True)
class Observation:
    target: str
    started_at: float
    injected_at: float
    fault_end: float  # when the fault expires by itself
    now: float
    rolled_back_at: float | None = None
    alerts: tuple[SeenAlert, ...] = ()
    events: tuple[SeenEvent, ...] = ()
    breakers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    steady: tuple[SteadySample, ...] = ()
    client: ClientRecord = field(default_factory=ClientRecord)
    replicas_before: int | None = None
    replicas: tuple[ReplicaSample, ...] = ()
    replicas_killed: tuple[str, ...] = ()
    controls: tuple[ControlSample, ...] = ()  # every poll, also those before the injection
    grace_s: float = 0.0
    lag_s: float = 0.0  # how late a fact may show up in the API; a "within" fails only after it

    @property
    def fault_ended_at(self) -> float | None:
        """When the fault stopped acting: its rollback, or its expiry; None while active."""
        if self.rolled_back_at is not None:
            return min(self.rolled_back_at, self.fault_end)
        return self.fault_end if self.now >= self.fault_end else None

    @property
    def window_end(self) -> float:
        """The end of the fault window used to tell true from false positives."""
        end = self.fault_ended_at
        return (self.now if end is None else end) + self.grace_s

    def in_window(self, at: float) -> bool:
        return self.injected_at <= at <= self.window_end

    def expired(self, reference: float, within_s: float) -> bool:
        """Whether a fact due within ``within_s`` of ``reference`` can no longer show up in time."""
        return self.now > reference + within_s + self.lag_s

    def target_alerts(self) -> tuple[SeenAlert, ...]:
        return tuple(sorted((a for a in self.alerts if a.service == self.target), key=lambda a: a.fired_at))

    def first_detection(self) -> SeenAlert | None:
        return next((a for a in self.target_alerts() if a.fired_at >= self.injected_at), None)

    def incident_correlations(self) -> frozenset[str]:
        """Correlation ids of the alerts the fault caused on the target."""
        return frozenset(a.correlation_id for a in self.target_alerts() if self.in_window(a.fired_at))

    def events_of(self, topic: str, since: float | None = None) -> tuple[SeenEvent, ...]:
        start = self.injected_at if since is None else since
        found = (e for e in self.events if e.topic == topic and e.timestamp >= start)
        return tuple(sorted(found, key=lambda e: e.timestamp))

    def first_mitigation(self) -> SeenEvent | None:
        """The first absorption or adaptation event about the target (or its incident) since injection."""
        correlations = self.incident_correlations()
        candidates = [
            e
            for e in self.events
            if e.category in MITIGATING
            and e.timestamp >= self.injected_at
            and (e.concerns(self.target) or e.correlation_id in correlations)
        ]
        return min(candidates, key=lambda e: e.timestamp, default=None)

    def breaker_opened_at(self, edge: str) -> float | None:
        """When ``edge`` first opened after the injection: its event, else its snapshot."""
        opened = [e for e in self.events_of(topics.BREAKER_OPENED) if e.payload.get("breaker") == edge]
        if opened:
            return opened[0].timestamp
        snapshot_at = self.breakers.get(edge, {}).get("opened_at")
        if isinstance(snapshot_at, (int, float)) and snapshot_at >= self.injected_at:
            return float(snapshot_at)
        return None

    def review(self) -> SeenEvent | None:
        """The first review generated for an incident on the target since the injection."""
        correlations = self.incident_correlations()
        reviews = self.events_of(topics.REVIEW_GENERATED)
        return next((e for e in reviews if e.correlation_id in correlations or e.concerns(self.target)), None)

    def recovery(self) -> tuple[float | None, str]:
        """When the steady state came back for good (after its last violation), and why not if not.

        Never lost while the fault acted: restored at the injection itself. A restoration is
        final only once the fault has ended, because a later violation would undo it.
        """
        after = sorted((s for s in self.steady if s.at >= self.injected_at), key=lambda s: s.at)
        if not after:
            return None, "no steady-state sample after the injection"
        violations = [s for s in after if not s.ok]
        ended = self.fault_ended_at
        if not violations:
            if ended is not None and after[-1].at >= ended:
                return self.injected_at, "steady state never lost"
            return None, "steady state held so far; the fault is still active"
        last_bad = violations[-1]
        back = next((s for s in after if s.at > last_bad.at and s.ok), None)
        if back is None:
            return None, f"steady state violated since {last_bad.at - self.injected_at:.1f} s after the injection"
        if ended is None:
            return None, f"steady state back at +{back.at - self.injected_at:.1f} s; the fault is still active"
        return back.at, f"steady state restored {back.at - self.injected_at:.1f} s after the injection"

    def controls_before(self) -> ControlSample | None:
        """The last control sample taken before the injection."""
        return max((c for c in self.controls if c.at < self.injected_at), key=lambda c: c.at, default=None)

    def controls_after(self) -> tuple[ControlSample, ...]:
        """The control samples since the injection, oldest first."""
        return tuple(sorted((c for c in self.controls if c.at >= self.injected_at), key=lambda c: c.at))

    def replica_dip(self) -> ReplicaSample | None:
        """The first sample after the injection with fewer replicas running than before it."""
        if self.replicas_before is None:
            return None
        samples = sorted((s for s in self.replicas if s.at >= self.injected_at), key=lambda s: s.at)
        return next((s for s in samples if s.running < self.replicas_before), None)

    def replicas_renewed(self) -> ReplicaSample | None:
        """The first named sample after the injection with the level before it and none of the killed replicas."""
        if self.replicas_before is None or not self.replicas_killed:
            return None
        killed = set(self.replicas_killed)
        samples = sorted((s for s in self.replicas if s.at >= self.injected_at and s.ids), key=lambda s: s.at)
        return next((s for s in samples if s.running >= self.replicas_before and not killed & set(s.ids)), None)

    def replica_back(self, dip: ReplicaSample) -> ReplicaSample | None:
        before = self.replicas_before if self.replicas_before is not None else 0
        return next(
            (s for s in sorted(self.replicas, key=lambda s: s.at) if s.at > dip.at and s.running >= before), None
        )


@dataclass(frozen=True)
class DetectorTruth:
    """One detector against the ground truth of the injection on the target."""

    detector: str
    true_positives: int  # alerts on the target inside the fault window
    false_positives: int  # alerts on the target outside it (before the injection or after the window)
    first_alert_at: float | None
    detection_delay_s: float | None  # first true positive - injected_at
    missed: bool  # never fired on the target inside the fault window


def detector_truths(obs: Observation, detectors: Sequence[str]) -> tuple[DetectorTruth, ...]:
    """Per detector (the known ones, plus any that fired): true/false positives and delay."""
    run_alerts = [a for a in obs.target_alerts() if obs.started_at <= a.fired_at <= obs.now]
    names = list(dict.fromkeys([*detectors, *(a.detector for a in run_alerts)]))
    truths = []
    for name in names:
        mine = [a for a in run_alerts if a.detector == name]
        hits = [a for a in mine if obs.in_window(a.fired_at)]
        first = hits[0].fired_at if hits else None
        truths.append(
            DetectorTruth(
                detector=name,
                true_positives=len(hits),
                false_positives=len(mine) - len(hits),
                first_alert_at=first,
                detection_delay_s=None if first is None else first - obs.injected_at,
                missed=not hits,
            )
        )
    return tuple(truths)


def alerts_per_detector(obs: Observation) -> dict[str, int]:
    """Alerts on any service fired during the run, by detector."""
    counts: dict[str, int] = {}
    for alert in obs.alerts:
        if obs.started_at <= alert.fired_at <= obs.now:
            counts[alert.detector] = counts.get(alert.detector, 0) + 1
    return dict(sorted(counts.items()))
