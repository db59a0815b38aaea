"""Demo history: plausible past incidents on the demo shop, as the event chains the pillars publish.

Only ``aref seed`` loads it (``aref.evolution.seeding``); nothing on a normal path does. Each
incident is drawn from one of a few archetypes (``SCENARIOS``) by a random generator seeded with
its sequence number: the same ``first``, ``count`` and ``now`` always give the same history, and
every number has its own ids: ``INC-SEED-0007``, correlation ``COR-SEED-0007``, events
``EVT-SEED-0007-01``... The incidents lie in the days before ``now``, 0.5 to 2.5 days apart,
oldest first, each resolved and reviewed before ``now``. Everything is marked demo history: the
id starts with ``INC-SEED-``, the title with ``[demo]``, the incident timeline holds a ``seeded``
entry, and every event comes from source ``seed`` with ``"seeded": True`` in its payload.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any

from aref import topics
from aref.errors import InvalidInputError
from aref.events import Event, EventCategory, Severity
from aref.evolution.chain import collect
from aref.evolution.demo_scenarios import RUNBOOK_STEPS, SCENARIOS, Scenario
from aref.evolution.recurrence import derive_signature
from aref.models import Incident, IncidentStatus, RecoveryTier
from aref.records import to_record

SEED_SOURCE = "seed"
INCIDENT_PREFIX = "INC-SEED-"
MAX_INCIDENTS = 100
HOUR = 3600.0
DAY = 24 * HOUR
NEWEST_MARGIN = DAY  # the newest incident starts at least this long before now
SEEDED_NOTE = "demo history loaded by 'aref seed': not a measured incident"


def check_count(incidents: object) -> int:
    """``incidents`` when it is a whole number from 1 to ``MAX_INCIDENTS``; else InvalidInputError."""
    if isinstance(incidents, bool) or not isinstance(incidents, int) or not 1 <= incidents <= MAX_INCIDENTS:
        raise InvalidInputError("incidents", f"must be a whole number from 1 to {MAX_INCIDENTS}, got {incidents!r}")
    return incidents


def is_seeded(incident_id: str) -> bool:
    return incident_id.startswith(INCIDENT_PREFIX)


def seeded_number(incident_id: str) -> int | None:
    """The sequence number of a seeded incident id (``INC-SEED-0007`` -> 7), None for any other id."""
    digits = incident_id.removeprefix(INCIDENT_PREFIX)
    return int(digits) if is_seeded(incident_id) and digits.isdigit() else None


@dataclass(frozen=True)
class PastIncident:
    """One past incident: the resolved record, the chain that ends in its resolution, when it was
    reviewed, and when its first, second... action items were completed (the rest stay open)."""

    number: int
    incident: Incident
    chain: tuple[Event, ...]
    review_at: float
    follow_ups: tuple[float, ...]

    @property
    def signature(self) -> str:
        """The fault signature its review will carry (as the evolution engine derives it)."""
        return derive_signature(self.incident, collect(self.chain))


def past_incidents(first: int, count: int, now: float) -> tuple[PastIncident, ...]:
    """Incidents number ``first`` .. ``first + count - 1``, oldest first."""
    check_count(count)
    if first < 1:
        raise InvalidInputError("first", "must be >= 1")
    numbers = range(first, first + count)
    rngs = {n: random.Random(f"aref-demo-history-{n}") for n in numbers}
    onsets: dict[int, float] = {}
    back = NEWEST_MARGIN
    for n in reversed(numbers):
        back += rngs[n].uniform(0.5, 2.5) * DAY
        onsets[n] = float(round(now - back))
    return tuple(_past_incident(n, onsets[n], now, rngs[n]) for n in numbers)


def _past_incident(number: int, onset: float, now: float, rng: random.Random) -> PastIncident:
    scenario = rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]
    detected = onset + round(rng.uniform(*scenario.detect_seconds))
    resolved = onset + round(rng.uniform(*scenario.resolve_seconds))
    incident = Incident(
        id=f"{INCIDENT_PREFIX}{number:04d}",
        title=f"[demo] {scenario.service}: {scenario.title}",
        service=scenario.service,
        severity=scenario.incident_severity,
        onset_at=onset,
        correlation_id=f"COR-SEED-{number:04d}",
        detected_at=detected,
        detection_class=scenario.detection_class,
        anomaly_class=scenario.anomaly_class,
        recovery_tier=RecoveryTier.T0,
    ).note(onset, "seeded", SEEDED_NOTE)
    incident, chain = _History(number, scenario, incident, rng).play(detected, resolved)
    review_at = min(now, resolved + round(rng.uniform(2, 20) * HOUR))
    completions = sorted(review_at + round(rng.uniform(0.5, 12) * DAY) for _ in range(rng.randint(0, 4)))
    return PastIncident(number, incident, chain, review_at, tuple(t for t in completions if t <= now))


class _History:
    """Writes the chain of one incident: every pillar's events from its alert to its resolution."""

    def __init__(self, number: int, scenario: Scenario, incident: Incident, rng: random.Random) -> None:
        self._number = number
        self._scenario = scenario
        self._incident = incident
        self._rng = rng
        self._recovery_id = f"REC-SEED-{number:04d}"
        self._alert_id = f"ALR-SEED-{number:04d}"
        self._drafts: list[tuple[float, str, Severity, dict[str, Any]]] = []

    def play(self, detected: float, resolved: float) -> tuple[Incident, tuple[Event, ...]]:
        """The resolved incident and its chain in time order, ending with ``recovery.recovery_resolved``."""
        s, rng, service = self._scenario, self._rng, self._scenario.service
        fingerprint = f"{service}:{s.metric}:{s.detector}"
        value = round(rng.uniform(*s.value), 3)
        self._add(
            detected,
            topics.ALERT_FIRED,
            s.alert_severity,
            alert_id=self._alert_id,
            fingerprint=fingerprint,
            service=service,
            metric=s.metric,
            detector=s.detector,
            severity=s.alert_severity.value,
            value=value,
            threshold=s.threshold,
            onset_at=self._incident.onset_at,
            fired_at=detected,
            detection_class=s.detection_class.value,
        )
        breaker = None if s.breaker_from is None else f"{s.breaker_from}->{service}"
        if breaker is not None:
            self._add(
                detected + rng.randint(5, 30),
                topics.BREAKER_OPENED,
                Severity.WARNING,
                breaker=breaker,
                service=s.breaker_from,
                dependency=service,
                failure_rate=round(rng.uniform(0.5, 0.95), 2),
            )
        if s.degrade_to is not None:
            self._add(
                detected + rng.randint(10, 40),
                topics.DEGRADATION_CHANGED,
                Severity.WARNING,
                service=service,
                from_tier="full",
                to_tier=s.degrade_to,
                reason=f"{s.metric} out of bounds",
            )
        if s.strategy is not None:
            self._add(
                detected + rng.randint(15, 60),
                topics.STRATEGY_EXECUTED,
                Severity.INFO,
                strategy=s.strategy,
                service=service,
                anomaly_class=s.anomaly_class.value,
                actions=list(s.actions),
                alert_id=self._alert_id,
            )
        start = detected + rng.randint(20, 90)
        if s.escalation is not None:
            escalated = detected + rng.randint(60, 180)
            self._add(
                escalated,
                topics.ESCALATE_TO_RECOVERY,
                Severity.WARNING,
                service=service,
                alert_id=self._alert_id,
                reason=s.escalation,
            )
            start = escalated + 5
        recovering = self._incident.advance(IncidentStatus.RECOVERING, start, "recovery started at T0")
        self._add(
            start,
            topics.RECOVERY_STARTED,
            Severity.CRITICAL,
            recovery_id=self._recovery_id,
            incident=to_record(recovering),
            tier=RecoveryTier.T0.name,
        )
        self._recover(start, resolved - 60)
        self._add(
            resolved - 20,
            topics.ALERT_RESOLVED,
            Severity.INFO,
            alert_id=self._alert_id,
            fingerprint=fingerprint,
            service=service,
            resolved_at=resolved - 20,
        )
        if breaker is not None:
            self._add(
                resolved - 40,
                topics.BREAKER_CLOSED,
                Severity.INFO,
                breaker=breaker,
                service=s.breaker_from,
                dependency=service,
            )
        final = dataclasses.replace(recovering, recovery_tier=s.tiers[-1])
        final = final.advance(IncidentStatus.RESOLVED, resolved, "all alerts cleared")
        self._add(
            resolved,
            topics.RECOVERY_RESOLVED,
            Severity.INFO,
            recovery_id=self._recovery_id,
            incident=to_record(final),
            tier=s.tiers[-1].name,
            reason="all alerts cleared",
            tiers=[t.name for t in s.tiers],
            runbooks=[RUNBOOK_STEPS[t][0] for t in s.tiers],
        )
        return final, self._events()

    def _recover(self, start: float, end: float) -> None:
        """Each tier gets an equal share of the recovery; its runbook's steps run through that share."""
        tiers = self._scenario.tiers
        share = (end - start) / len(tiers)
        for i, tier in enumerate(tiers):
            begin = start + i * share
            if i:
                self._add(
                    begin,
                    topics.TIER_ESCALATED,
                    Severity.WARNING,
                    recovery_id=self._recovery_id,
                    from_tier=tiers[i - 1].name,
                    to_tier=tier.name,
                )
            runbook, steps = RUNBOOK_STEPS[tier]
            for k, (step, kind) in enumerate(steps, start=1):
                failed = i == 0 and step == self._scenario.failed_step
                self._add(
                    round(begin + share * k / (len(steps) + 1)),
                    topics.RUNBOOK_STEP_COMPLETED,
                    Severity.WARNING if failed else Severity.INFO,
                    recovery_id=self._recovery_id,
                    runbook=runbook,
                    step=step,
                    kind=kind,
                    outcome="timed_out" if failed else "ok",
                )

    def _add(self, at: float, topic: str, level: Severity, /, **payload: Any) -> None:
        self._drafts.append((at, topic, level, payload))

    def _events(self) -> tuple[Event, ...]:
        drafts = sorted(self._drafts, key=lambda d: d[0])  # stable: same-time events keep their order
        return tuple(
            Event(
                category=EventCategory(topic.partition(".")[0]),
                type=topic.partition(".")[2],
                severity=severity,
                payload={**payload, "seeded": True},
                source=SEED_SOURCE,
                id=f"EVT-SEED-{self._number:04d}-{n:02d}",
                timestamp=float(at),
                correlation_id=self._incident.correlation_id,
            )
            for n, (at, topic, severity, payload) in enumerate(drafts, start=1)
        )
