from __future__ import annotations

import pytest

from aref import topics
from aref.config import DetectionSettings, RecoverySettings
from aref.errors import InvalidInputError
from aref.evolution.chain import ChainFacts
from aref.evolution.findings import (
    Gap,
    ReviewTargets,
    contributing_factors,
    gaps,
    lessons,
    seconds,
    timeline,
    went_well,
)
from aref.models import AnomalyClass, IncidentStatus, Pillar, Priority, RecoveryTier

from .builders import T0, MakeEvent, MakeIncident

SIG = "payments:error_rate:persistent"
TARGETS = ReviewTargets(mttd_target_seconds=300.0, mttr_target_seconds=900.0)
CONTAINED = ChainFacts(event_count=4, breakers_opened=("gateway->payments",), strategies=("shed_load",))


@pytest.mark.parametrize(("value", "text"), [(42.0, "42s"), (42.25, "42.2s"), (0.0, "0s"), (1500.06, "1500.1s")])
def test_seconds(value: float, text: str) -> None:
    assert seconds(value) == text


def test_targets_must_be_positive_and_come_from_settings() -> None:
    with pytest.raises(InvalidInputError) as caught:
        ReviewTargets(mttd_target_seconds=0)
    assert caught.value.field == "mttd_target_seconds"
    targets = ReviewTargets.from_settings(
        DetectionSettings(mttd_target_seconds=120.0), RecoverySettings(mttr_target_seconds=600.0)
    )
    assert targets == ReviewTargets(120.0, 600.0)


def test_a_clean_incident_has_no_gaps(make_incident: MakeIncident) -> None:
    assert gaps(make_incident(), CONTAINED, SIG, RecoveryTier.T1, (), TARGETS) == ()


def test_slow_detection_is_a_detection_gap(make_incident: MakeIncident) -> None:
    slow = gaps(make_incident(detect_after=400.0, resolve_after=800.0), CONTAINED, SIG, RecoveryTier.T0, (), TARGETS)
    assert slow == (
        Gap(
            Pillar.DETECTION,
            Priority.MEDIUM,
            "Detection took 400s, 100s over the 300s target",
            f"Detect {SIG} faster (took 400s, target 300s)",
        ),
    )
    very_slow = gaps(make_incident(detect_after=601.0, resolve_after=800.0), CONTAINED, SIG, None, (), TARGETS)
    assert [(g.pillar, g.priority) for g in very_slow] == [(Pillar.DETECTION, Priority.HIGH)]
    undetected = gaps(make_incident(detect_after=None), CONTAINED, SIG, None, (), TARGETS)
    assert [(g.pillar, g.priority, g.finding) for g in undetected] == [
        (Pillar.DETECTION, Priority.HIGH, "No detection time was recorded")
    ]


def test_escalation_past_t1_and_slow_recovery_are_recovery_gaps(make_incident: MakeIncident) -> None:
    found = gaps(make_incident(resolve_after=1000.0), CONTAINED, SIG, RecoveryTier.T3, (), TARGETS)
    assert found == (
        Gap(
            Pillar.RECOVERY,
            Priority.HIGH,
            "Recovery escalated to T3: the automated tiers T0/T1 did not restore service",
            "Automate recovery of payments at T0/T1 (reached T3)",
        ),
        Gap(
            Pillar.RECOVERY,
            Priority.MEDIUM,
            "Recovery took 1000s, 100s over the 900s target",
            "Shorten recovery of payments (took 1000s, target 900s)",
        ),
    )


def test_absence_findings_need_a_captured_chain(make_incident: MakeIncident) -> None:
    quiet = ChainFacts(event_count=2)
    found = gaps(make_incident(), quiet, SIG, RecoveryTier.T1, (), TARGETS)
    assert [(g.pillar, g.priority, g.action) for g in found] == [
        (Pillar.ABSORPTION, Priority.MEDIUM, "Add or tune circuit breakers on calls to payments"),
        (Pillar.ADAPTATION, Priority.LOW, f"Add an adaptation strategy that mitigates {SIG}"),
    ]
    unknown = gaps(make_incident(), ChainFacts(), SIG, RecoveryTier.T1, (), TARGETS)
    assert [(g.pillar, g.priority, g.action) for g in unknown] == [
        (Pillar.EVOLUTION, Priority.LOW, "Capture the full event chain for incident reviews")
    ]


def test_escalation_failed_steps_and_recurrence(make_incident: MakeIncident) -> None:
    facts = ChainFacts(
        event_count=5,
        breakers_opened=("gateway->payments",),
        escalation_reasons=("window passed",),
        failed_steps=("t1/restart",),
    )
    found = gaps(make_incident(), facts, SIG, RecoveryTier.T1, ("INC-0",), TARGETS)
    assert [(g.pillar, g.priority, g.finding) for g in found] == [
        (Pillar.ADAPTATION, Priority.MEDIUM, "Adaptation did not mitigate in its window (window passed)"),
        (Pillar.RECOVERY, Priority.MEDIUM, "Runbook steps failed: t1/restart"),
        (
            Pillar.EVOLUTION,
            Priority.HIGH,
            f"{SIG} recurred (seen before in INC-0): earlier actions did not prevent it",
        ),
    ]


def test_went_well_lists_measured_successes(make_incident: MakeIncident) -> None:
    facts = ChainFacts(
        event_count=6,
        detectors=("threshold",),
        breakers_opened=("gateway->payments",),
        degradations=("gateway FULL->REDUCED",),
        strategies=("shed_load",),
        adaptation_actions=("disable analytics",),
    )
    assert went_well(make_incident(), facts, RecoveryTier.T1, TARGETS) == (
        "Detected in 60s by threshold, within the 300s target",
        "Circuit breakers opened and contained the failure: gateway->payments",
        "Graceful degradation engaged: gateway FULL->REDUCED",
        "Adaptation executed shed_load (disable analytics)",
        "Resolved at T1, without human approval",
        "Resolved in 600s, within the 900s target",
    )
    slow = make_incident(detect_after=400.0, resolve_after=1000.0)
    assert went_well(slow, ChainFacts(), RecoveryTier.T2, TARGETS) == ()


def test_contributing_factors_describe_system_conditions(make_incident: MakeIncident) -> None:
    facts = ChainFacts(
        event_count=6,
        alert_metrics=("error_rate",),
        breakers_opened=("gateway->payments",),
        escalation_reasons=("window passed",),
        failed_steps=("t1/restart",),
        fault_types=("error",),
    )
    incident = make_incident(detect_after=400.0, anomaly=AnomalyClass.ESCALATING)
    assert contributing_factors(incident, facts, TARGETS) == (
        "An injected fault (error) hit the payments path",
        "payments went out of bounds on error_rate",
        "The anomaly was escalating: its impact grew while it lasted",
        "Dependency calls failed often enough to trip gateway->payments",
        "Adaptation could not mitigate in its window: window passed",
        "Runbook steps failed during recovery: t1/restart",
        "Detection lagged the onset by 400s",
    )
    assert contributing_factors(make_incident(anomaly=None), ChainFacts(), TARGETS) == (
        "No contributing condition was captured beyond the incident record",
    )


def test_lessons_summarise_outcome_help_and_changes(make_incident: MakeIncident) -> None:
    assert lessons(make_incident(), CONTAINED, SIG, RecoveryTier.T1, ["Fix A", "Fix B"], ("INC-0",)) == (
        f"{SIG}: resolved at T1 in 600s",
        "What helped: gateway->payments, shed_load",
        "What to change: Fix A; Fix B",
        "Seen before in INC-0",
    )
    assert lessons(make_incident(), ChainFacts(), SIG, None, [], ()) == (f"{SIG}: resolved in 600s",)


def test_timeline_merges_markers_incident_entries_and_chain(make_incident: MakeIncident, make_event: MakeEvent) -> None:
    incident = make_incident(detect_after=60.0, resolve_after=600.0)
    chain = [
        make_event(topics.RECOVERY_STARTED, T0 + 100, recovery_id="R1", tier="T0"),
        make_event(
            topics.ALERT_FIRED,
            T0 + 60,
            severity="critical",
            service="payments",
            metric="error_rate",
            value=0.3,
            threshold=0.15,
        ),
    ]
    entries = timeline(incident, chain)
    assert [(e.at - T0, e.kind) for e in entries] == [
        (0.0, "onset"),
        (60.0, "detected"),
        (60.0, "detection.alert_fired"),
        (100.0, "recovery.recovery_started"),
        (600.0, IncidentStatus.RESOLVED.value),
    ]
    assert entries[1].detail == "detected after 60s"
    assert entries[4].detail == "service restored"
