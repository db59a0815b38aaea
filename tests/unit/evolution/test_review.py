from __future__ import annotations

import pytest

from aref import topics
from aref.errors import InvalidInputError
from aref.events import Event
from aref.evolution.review import ACTION_DUE_SECONDS, PostIncidentReview, ReviewGenerator, ReviewTargets
from aref.models import ActionStatus, Pillar, Priority, RecoveryTier
from aref.records import from_record, to_record

from .builders import T0, MakeEvent, MakeIncident

NOW = T0 + 3600.0


def escalated_chain(make_event: MakeEvent) -> list[Event]:
    return [
        make_event(topics.ALERT_FIRED, T0 + 400, metric="error_rate", detector="threshold"),
        make_event(topics.ESCALATE_TO_RECOVERY, T0 + 520, reason="window passed"),
        make_event(topics.RECOVERY_STARTED, T0 + 530, tier="T0"),
        make_event(topics.TIER_ESCALATED, T0 + 800, from_tier="T1", to_tier="T2"),
    ]


def test_the_review_carries_the_measured_numbers(make_incident: MakeIncident, make_event: MakeEvent) -> None:
    incident = make_incident(detect_after=400.0, resolve_after=1200.0, tier=RecoveryTier.T2)
    outcome = ReviewGenerator().generate(incident, escalated_chain(make_event), at=NOW)
    review = outcome.review
    assert (review.id, review.incident_id, review.correlation_id) == ("PIR-INC-1", "INC-1", "corr-INC-1")
    assert (review.time_to_detect, review.time_to_resolve) == (400.0, 1200.0)
    assert review.highest_tier == RecoveryTier.T2
    assert review.tiers_reached == (RecoveryTier.T0, RecoveryTier.T1, RecoveryTier.T2)
    assert review.fault_signature == "payments:error_rate:persistent"
    assert review.created_at == NOW
    assert review.recurrence_of == ()


def test_action_items_follow_the_gaps(make_incident: MakeIncident, make_event: MakeEvent) -> None:
    incident = make_incident(detect_after=400.0, resolve_after=1200.0, tier=RecoveryTier.T2)
    outcome = ReviewGenerator().generate(incident, escalated_chain(make_event), at=NOW)
    items = outcome.action_items
    assert [(i.id, i.pillar, i.priority) for i in items] == [
        ("ACT-INC-1-1", Pillar.DETECTION, Priority.MEDIUM),
        ("ACT-INC-1-2", Pillar.ABSORPTION, Priority.MEDIUM),
        ("ACT-INC-1-3", Pillar.ADAPTATION, Priority.MEDIUM),
        ("ACT-INC-1-4", Pillar.RECOVERY, Priority.HIGH),
        ("ACT-INC-1-5", Pillar.RECOVERY, Priority.MEDIUM),
    ]
    assert all(i.incident_id == "INC-1" and i.status == ActionStatus.OPEN and i.created_at == NOW for i in items)
    assert [i.due_at for i in items] == [NOW + ACTION_DUE_SECONDS[i.priority] for i in items]
    assert outcome.review.action_item_ids == tuple(i.id for i in items)
    assert outcome.review.to_improve == tuple(i.description for i in items)
    assert all(i.owner == "unassigned" for i in items)


def test_the_knowledge_entry_holds_the_lessons(make_incident: MakeIncident, make_event: MakeEvent) -> None:
    incident = make_incident(detect_after=400.0, resolve_after=1200.0, tier=RecoveryTier.T2)
    outcome = ReviewGenerator().generate(incident, escalated_chain(make_event), at=NOW, previous_incident_ids=["INC-0"])
    entry = outcome.knowledge
    assert (entry.id, entry.incident_id, entry.service) == ("KB-INC-1", "INC-1", "payments")
    assert entry.fault_signature == outcome.review.fault_signature
    assert entry.title == "payments failing [payments:error_rate:persistent]"
    assert entry.lesson == "\n".join(outcome.review.lessons)
    assert entry.tags == (
        "payments",
        "detection",
        "absorption",
        "adaptation",
        "recovery",
        "evolution",
        "threshold",
        "persistent",
        "T2",
        "recurrence",
    )
    assert outcome.review.recurrence_of == ("INC-0",)
    assert outcome.action_items[-1].pillar == Pillar.EVOLUTION


def test_targets_change_the_verdict(make_incident: MakeIncident) -> None:
    incident = make_incident(detect_after=100.0, resolve_after=500.0, tier=RecoveryTier.T0)
    strict = ReviewGenerator(ReviewTargets(mttd_target_seconds=50.0, mttr_target_seconds=400.0))
    pillars = [i.pillar for i in strict.generate(incident, [], at=NOW).action_items]
    assert pillars == [Pillar.DETECTION, Pillar.RECOVERY, Pillar.EVOLUTION]
    relaxed = [i.pillar for i in ReviewGenerator().generate(incident, [], at=NOW).action_items]
    assert relaxed == [Pillar.EVOLUTION]


def test_generation_is_deterministic_and_round_trips(make_incident: MakeIncident, make_event: MakeEvent) -> None:
    incident = make_incident(tier=RecoveryTier.T2)
    generator = ReviewGenerator()
    first = generator.generate(incident, escalated_chain(make_event), at=NOW)
    again = generator.generate(incident, escalated_chain(make_event), at=NOW)
    assert first == again
    assert from_record(PostIncidentReview, to_record(first.review)) == first.review


def test_an_unresolved_incident_cannot_be_reviewed(make_incident: MakeIncident) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ReviewGenerator().generate(make_incident(resolve_after=None), [], at=NOW)
    assert caught.value.field == "incident.resolved_at"
