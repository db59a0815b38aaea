"""The reasoning behind a review: factors, what went well, gaps and lessons, from measured facts.

Every function reads the incident (measured times and tiers), the ``ChainFacts`` of its event
chain and the ``ReviewTargets``; nothing is invented. Findings name system conditions, never
people. A finding about something absent (no breaker opened, no strategy ran) is made only
when the chain was captured (``facts.known``); each ``Gap`` becomes one action item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aref.config import DetectionSettings, RecoverySettings
from aref.errors import InvalidInputError
from aref.events import Event
from aref.evolution.chain import ChainFacts, describe
from aref.models import AnomalyClass, Incident, Pillar, Priority, RecoveryTier, TimelineEntry

_ANOMALY_FACTOR: Mapping[AnomalyClass, str] = {
    AnomalyClass.TRANSIENT: "The anomaly was transient: it came and went without a lasting change",
    AnomalyClass.PERSISTENT: "The anomaly was persistent: it did not clear on its own",
    AnomalyClass.ESCALATING: "The anomaly was escalating: its impact grew while it lasted",
}


def seconds(value: float) -> str:
    """``42.0`` -> ``"42s"``, ``42.25`` -> ``"42.2s"``."""
    return f"{value:.1f}".rstrip("0").rstrip(".") + "s"


@dataclass(frozen=True)
class ReviewTargets:
    """The targets a review measures against (seed defaults: MTTD 300 s, MTTR 900 s)."""

    mttd_target_seconds: float = 300.0
    mttr_target_seconds: float = 900.0

    def __post_init__(self) -> None:
        for name in ("mttd_target_seconds", "mttr_target_seconds"):
            if getattr(self, name) <= 0:
                raise InvalidInputError(name, "must be > 0")

    @classmethod
    def from_settings(cls, detection: DetectionSettings, recovery: RecoverySettings) -> ReviewTargets:
        return cls(detection.mttd_target_seconds, recovery.mttr_target_seconds)


@dataclass(frozen=True)
class Gap:
    """A measured shortfall and the action that closes it, owned by one pillar."""

    pillar: Pillar
    priority: Priority
    finding: str
    action: str


def contributing_factors(incident: Incident, facts: ChainFacts, targets: ReviewTargets) -> tuple[str, ...]:
    found: list[str] = []
    if facts.fault_types:
        found.append(f"An injected fault ({', '.join(facts.fault_types)}) hit the {incident.service} path")
    if facts.alert_metrics:
        found.append(f"{incident.service} went out of bounds on {', '.join(facts.alert_metrics)}")
    if incident.anomaly_class is not None:
        found.append(_ANOMALY_FACTOR[incident.anomaly_class])
    if facts.breakers_opened:
        found.append(f"Dependency calls failed often enough to trip {', '.join(facts.breakers_opened)}")
    if facts.escalated_to_recovery:
        found.append(f"Adaptation could not mitigate in its window: {'; '.join(facts.escalation_reasons)}")
    if facts.failed_steps:
        found.append(f"Runbook steps failed during recovery: {', '.join(facts.failed_steps)}")
    ttd = incident.time_to_detect
    if ttd is not None and ttd > targets.mttd_target_seconds:
        found.append(f"Detection lagged the onset by {seconds(ttd)}")
    return tuple(found) or ("No contributing condition was captured beyond the incident record",)


def went_well(
    incident: Incident, facts: ChainFacts, highest: RecoveryTier | None, targets: ReviewTargets
) -> tuple[str, ...]:
    found: list[str] = []
    ttd, ttr = incident.time_to_detect, incident.time_to_resolve
    mttd, mttr = targets.mttd_target_seconds, targets.mttr_target_seconds
    if ttd is not None and ttd <= mttd:
        by = f" by {', '.join(facts.detectors)}" if facts.detectors else ""
        found.append(f"Detected in {seconds(ttd)}{by}, within the {seconds(mttd)} target")
    if facts.breakers_opened:
        found.append(f"Circuit breakers opened and contained the failure: {', '.join(facts.breakers_opened)}")
    if facts.degradations:
        found.append(f"Graceful degradation engaged: {', '.join(facts.degradations)}")
    if facts.strategies:
        actions = f" ({', '.join(facts.adaptation_actions)})" if facts.adaptation_actions else ""
        found.append(f"Adaptation executed {', '.join(facts.strategies)}{actions}")
    if highest is not None and highest <= RecoveryTier.T1:
        found.append(f"Resolved at {highest.name}, without human approval")
    if ttr is not None and ttr <= mttr:
        found.append(f"Resolved in {seconds(ttr)}, within the {seconds(mttr)} target")
    return tuple(found)


def gaps(
    incident: Incident,
    facts: ChainFacts,
    signature: str,
    highest: RecoveryTier | None,
    previous: Sequence[str],
    targets: ReviewTargets,
) -> tuple[Gap, ...]:
    """The measured gaps, in pillar order (detection, absorption, adaptation, recovery, evolution)."""
    found: list[Gap] = []
    service, ttd, ttr = incident.service, incident.time_to_detect, incident.time_to_resolve
    mttd, mttr = targets.mttd_target_seconds, targets.mttr_target_seconds
    d, ab, ad, r, e = Pillar.DETECTION, Pillar.ABSORPTION, Pillar.ADAPTATION, Pillar.RECOVERY, Pillar.EVOLUTION
    high, medium, low = Priority.HIGH, Priority.MEDIUM, Priority.LOW
    adapt = f"Add an adaptation strategy that mitigates {signature}"
    if ttd is None:
        found.append(Gap(d, high, "No detection time was recorded", f"Add automated detection for {signature}"))
    elif ttd > mttd:
        over = f"Detection took {seconds(ttd)}, {seconds(ttd - mttd)} over the {seconds(mttd)} target"
        action = f"Detect {signature} faster (took {seconds(ttd)}, target {seconds(mttd)})"
        found.append(Gap(d, high if ttd > 2 * mttd else medium, over, action))
    if facts.known and not facts.breakers_opened:
        finding = f"No circuit breaker opened: failures around {service} were not contained"
        found.append(Gap(ab, medium, finding, f"Add or tune circuit breakers on calls to {service}"))
    if facts.escalated_to_recovery:
        finding = f"Adaptation did not mitigate in its window ({'; '.join(facts.escalation_reasons)})"
        found.append(Gap(ad, medium, finding, adapt))
    elif facts.known and not facts.strategies:
        found.append(Gap(ad, low, "No adaptation strategy ran", adapt))
    if highest is not None and highest > RecoveryTier.T1:
        finding = f"Recovery escalated to {highest.name}: the automated tiers T0/T1 did not restore service"
        found.append(Gap(r, high, finding, f"Automate recovery of {service} at T0/T1 (reached {highest.name})"))
    if ttr is not None and ttr > mttr:
        over = f"Recovery took {seconds(ttr)}, {seconds(ttr - mttr)} over the {seconds(mttr)} target"
        found.append(
            Gap(r, medium, over, f"Shorten recovery of {service} (took {seconds(ttr)}, target {seconds(mttr)})")
        )
    if facts.failed_steps:
        steps = ", ".join(facts.failed_steps)
        found.append(Gap(r, medium, f"Runbook steps failed: {steps}", f"Fix the failing runbook steps: {steps}"))
    if previous:
        finding = f"{signature} recurred (seen before in {', '.join(previous)}): earlier actions did not prevent it"
        found.append(Gap(e, high, finding, f"Find why {signature} recurs and remove the cause"))
    if not facts.known:
        finding = "The event chain was not captured; this review rests on the incident record alone"
        found.append(Gap(e, low, finding, "Capture the full event chain for incident reviews"))
    return tuple(found)


def lessons(
    incident: Incident,
    facts: ChainFacts,
    signature: str,
    highest: RecoveryTier | None,
    actions: Sequence[str],
    previous: Sequence[str],
) -> tuple[str, ...]:
    ttr = incident.time_to_resolve
    at_tier = f" at {highest.name}" if highest is not None else ""
    took = f" in {seconds(ttr)}" if ttr is not None else ""
    found = [f"{signature}: resolved{at_tier}{took}"]
    helped = [*facts.breakers_opened, *facts.degradations, *facts.strategies]
    if helped:
        found.append(f"What helped: {', '.join(helped)}")
    if actions:
        found.append(f"What to change: {'; '.join(actions)}")
    if previous:
        found.append(f"Seen before in {', '.join(previous)}")
    return tuple(found)


def timeline(incident: Incident, chain: Sequence[Event]) -> tuple[TimelineEntry, ...]:
    """Onset/detected/resolved markers, the incident's own entries and the chain, in time order."""
    recorded = {entry.kind for entry in incident.timeline}
    entries = [TimelineEntry(incident.onset_at, "onset", f"fault onset on {incident.service}")]
    if incident.detected_at is not None and "detected" not in recorded:
        after = seconds(incident.detected_at - incident.onset_at)
        entries.append(TimelineEntry(incident.detected_at, "detected", f"detected after {after}"))
    if incident.resolved_at is not None and "resolved" not in recorded:
        after = seconds(incident.resolved_at - incident.onset_at)
        entries.append(TimelineEntry(incident.resolved_at, "resolved", f"resolved after {after}"))
    entries += [*incident.timeline, *(describe(event) for event in chain)]
    return tuple(sorted(entries, key=lambda entry: entry.at))
