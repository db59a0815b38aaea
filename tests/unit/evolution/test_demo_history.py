"""Demo history: deterministic, marked as demo, plausible in time, chains the evolution engine understands."""

from __future__ import annotations

import itertools

import pytest

from aref import topics
from aref.errors import InvalidInputError
from aref.evolution.demo_history import (
    NEWEST_MARGIN,
    PastIncident,
    check_count,
    is_seeded,
    past_incidents,
    seeded_number,
)
from aref.models import Incident, IncidentStatus
from aref.records import from_record
from aref.topology import SERVICES

from .builders import T0

DAY = 86400.0


@pytest.fixture(scope="module")
def many() -> tuple[PastIncident, ...]:
    return past_incidents(1, 100, T0)


def test_the_same_request_gives_the_same_history() -> None:
    assert past_incidents(4, 6, T0) == past_incidents(4, 6, T0)
    assert past_incidents(4, 6, T0) != past_incidents(4, 6, T0 + 1)


def test_ids_follow_the_numbers_and_never_repeat(many: tuple[PastIncident, ...]) -> None:
    batch = past_incidents(7, 3, T0)
    assert [p.number for p in batch] == [7, 8, 9]
    assert [p.incident.id for p in batch] == ["INC-SEED-0007", "INC-SEED-0008", "INC-SEED-0009"]
    assert [p.incident.correlation_id for p in batch] == ["COR-SEED-0007", "COR-SEED-0008", "COR-SEED-0009"]
    assert [e.id for e in batch[0].chain][:2] == ["EVT-SEED-0007-01", "EVT-SEED-0007-02"]
    event_ids = [e.id for p in many for e in p.chain]
    assert len(set(event_ids)) == len(event_ids)


def test_every_record_is_marked_as_demo_history(many: tuple[PastIncident, ...]) -> None:
    for past in many:
        incident = past.incident
        assert is_seeded(incident.id)
        assert incident.title.startswith("[demo] ")
        assert [entry.kind for entry in incident.timeline if entry.kind == "seeded"] == ["seeded"]
        assert {(e.source, e.payload["seeded"], e.correlation_id) for e in past.chain} == {
            ("seed", True, incident.correlation_id)
        }


def test_incidents_lie_in_the_days_before_now_oldest_first(many: tuple[PastIncident, ...]) -> None:
    onsets = [p.incident.onset_at for p in many]
    assert onsets == sorted(onsets)
    gaps = [later - earlier for earlier, later in itertools.pairwise(onsets)]
    assert all(0.5 * DAY - 1 <= gap <= 2.5 * DAY + 1 for gap in gaps)
    assert T0 - 3.5 * DAY <= onsets[-1] <= T0 - NEWEST_MARGIN - 0.5 * DAY + 1
    assert {p.incident.service for p in many} == set(SERVICES)


def test_each_incident_is_detected_resolved_then_reviewed_before_now(many: tuple[PastIncident, ...]) -> None:
    for past in many:
        i = past.incident
        assert i.status == IncidentStatus.RESOLVED
        assert i.detected_at is not None
        assert i.resolved_at is not None
        assert i.onset_at < i.detected_at < i.resolved_at < past.review_at <= T0
        assert list(past.follow_ups) == sorted(past.follow_ups)
        assert all(past.review_at < at <= T0 for at in past.follow_ups)
        assert i.recovery_tier is not None


def test_the_chain_runs_in_time_from_the_alert_to_the_resolution(many: tuple[PastIncident, ...]) -> None:
    for past in many:
        chain, incident = past.chain, past.incident
        times = [e.timestamp for e in chain]
        assert times == sorted(times)
        assert (chain[0].topic, chain[0].timestamp) == (topics.ALERT_FIRED, incident.detected_at)
        assert (chain[-1].topic, chain[-1].timestamp) == (topics.RECOVERY_RESOLVED, incident.resolved_at)
        assert from_record(Incident, chain[-1].payload["incident"]) == incident
        started = [e for e in chain if e.topic == topics.RECOVERY_STARTED]
        assert len(started) == 1
        steps = [e for e in chain if e.topic == topics.RUNBOOK_STEP_COMPLETED]
        assert len(steps) >= 2
        assert all(started[0].timestamp < e.timestamp < chain[-1].timestamp for e in steps)
        assert chain[-1].payload["tier"] == incident.recovery_tier.name  # type: ignore[union-attr]


def test_escalated_tiers_and_failed_steps_appear_in_the_chain(many: tuple[PastIncident, ...]) -> None:
    escalated = [p for p in many if any(e.topic == topics.TIER_ESCALATED for e in p.chain)]
    failed = [p for p in many if any(e.payload.get("outcome") == "timed_out" for e in p.chain)]
    assert escalated
    assert failed
    for past in escalated:
        hops = [(e.payload["from_tier"], e.payload["to_tier"]) for e in past.chain if e.topic == topics.TIER_ESCALATED]
        assert hops[-1][1] == past.incident.recovery_tier.name  # type: ignore[union-attr]


def test_a_count_outside_1_to_100_is_refused_naming_incidents() -> None:
    for bad in (0, -1, 101, True, 2.0, "3"):
        with pytest.raises(InvalidInputError) as caught:
            check_count(bad)
        assert caught.value.field == "incidents"
    with pytest.raises(InvalidInputError) as caught:
        past_incidents(1, 101, T0)
    assert caught.value.field == "incidents"
    with pytest.raises(InvalidInputError) as first:
        past_incidents(0, 1, T0)
    assert first.value.field == "first"
    assert check_count(100) == 100


def test_seeded_numbers_are_read_back_from_ids_only_for_seeded_incidents() -> None:
    assert [seeded_number(i) for i in ("INC-SEED-0042", "INC-SEED-12345", "INC-1a2b", "INC-SEED-x")] == [
        42,
        12345,
        None,
        None,
    ]
