from __future__ import annotations

import json
from typing import Any

import pytest

from aref import topics
from aref.config import EvolutionSettings
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Event, Severity
from aref.evolution.engine import EvolutionEngine
from aref.models import Incident, RecoveryTier
from aref.records import to_record
from aref.store import Collection
from aref.testing import EventCapture, FakeClock, MemoryStore

from .builders import T0, MakeEvent, MakeIncident

HOUR = 3600.0
SIG = "payments:error_rate:error"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def sink() -> EventCapture:
    return EventCapture()


def engine_for(clock: FakeClock, sink: EventCapture, store: MemoryStore, **kwargs: Any) -> EvolutionEngine:
    return EvolutionEngine(EvolutionSettings(), clock, sink, store, **kwargs)


@pytest.fixture
def engine(clock: FakeClock, sink: EventCapture, store: MemoryStore) -> EvolutionEngine:
    return engine_for(clock, sink, store)


def resolved(make_event: MakeEvent, incident: Incident, at: float | None = None) -> Event:
    return make_event(
        topics.RECOVERY_RESOLVED,
        incident.resolved_at if at is None else at,
        correlation_id=incident.correlation_id,
        recovery_id=f"R-{incident.id}",
        incident=to_record(incident),
        tier="T1",
    )


def contained(make_event: MakeEvent, incident: Incident) -> list[Event]:
    """A chain in which absorption and adaptation both acted."""
    cid = incident.correlation_id
    return [
        make_event(topics.BREAKER_OPENED, incident.onset_at + 30, correlation_id=cid, breaker="gateway->payments"),
        make_event(topics.STRATEGY_EXECUTED, incident.onset_at + 40, correlation_id=cid, strategy="shed_load"),
    ]


def test_it_subscribes_to_resolutions_only() -> None:
    assert EvolutionEngine.SUBSCRIBES == ("recovery.recovery_resolved",)


def test_a_resolution_stores_review_actions_knowledge_and_incident(
    engine: EvolutionEngine,
    sink: EventCapture,
    store: MemoryStore,
    clock: FakeClock,
    make_incident: MakeIncident,
    make_event: MakeEvent,
) -> None:
    incident = make_incident(detect_after=400.0, resolve_after=600.0)
    clock.set(T0 + 700)
    engine.handle([*contained(make_event, incident), resolved(make_event, incident)])

    review = engine.review("INC-1")
    assert review.action_item_ids == ("ACT-INC-1-1",)
    assert [r["id"] for r in store.list(Collection.REVIEWS)] == ["PIR-INC-1"]
    assert [r["id"] for r in store.list(Collection.ACTION_ITEMS)] == ["ACT-INC-1-1"]
    assert [r["id"] for r in store.list(Collection.KNOWLEDGE)] == ["KB-INC-1"]
    stored = store.get(Collection.INCIDENTS, "INC-1")
    assert stored is not None
    assert (stored["status"], stored["fault_signature"]) == ("post_review", "payments:threshold:persistent")

    assert sink.topics() == ["evolution.review_generated"]
    event = sink.last(topics.REVIEW_GENERATED)
    assert (event.correlation_id, event.source, event.severity, event.timestamp) == (
        "corr-INC-1",
        "evolution",
        Severity.INFO,
        T0 + 700,
    )
    assert event.payload["review_id"] == "PIR-INC-1"
    assert event.payload["incident_id"] == "INC-1"
    assert event.payload["action_item_ids"] == ["ACT-INC-1-1"]


def test_the_review_is_built_from_the_incidents_chain(
    engine: EvolutionEngine, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    incident = make_incident()
    engine.handle(
        [
            make_event(topics.ALERT_FIRED, T0 + 60, metric="error_rate", detector="threshold"),
            make_event(topics.ALERT_FIRED, T0 + 61, correlation_id="corr-other", metric="latency_p99"),
            make_event(topics.FAULT_INJECTED, T0, correlation_id=None, fault_type="crash"),
        ]
    )
    engine.handle([*contained(make_event, incident), resolved(make_event, incident)])
    review = engine.review("INC-1")
    assert review.fault_signature == "payments:error_rate:persistent"
    assert [e.kind for e in review.timeline] == [
        "onset",
        "absorption.circuit_breaker_opened",
        "adaptation.strategy_executed",
        "detected",
        "detection.alert_fired",
        "resolved",
        "recovery.recovery_resolved",
    ]


def test_a_second_incident_with_the_same_signature_is_a_recurrence(
    engine: EvolutionEngine, sink: EventCapture, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    first = make_incident("INC-1", onset=T0, signature=SIG)
    second = make_incident("INC-2", onset=T0 + HOUR, signature="Payments/Error_Rate/Error")
    engine.handle([*contained(make_event, first), resolved(make_event, first)])
    assert sink.of(topics.RECURRENCE_DETECTED) == []
    sink.clear()

    engine.handle([*contained(make_event, second), resolved(make_event, second)])
    assert sink.topics() == ["evolution.recurrence_detected", "evolution.review_generated"]
    event = sink.last(topics.RECURRENCE_DETECTED)
    assert event.correlation_id == "corr-INC-2"
    assert event.severity == Severity.WARNING
    assert event.payload["incident_id"] == "INC-2"
    assert event.payload["signature"] == SIG
    assert event.payload["previous_incident_ids"] == ["INC-1"]
    assert engine.review("INC-2").recurrence_of == ("INC-1",)


def test_a_different_signature_is_not_a_recurrence(
    engine: EvolutionEngine, sink: EventCapture, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    first = make_incident("INC-1", onset=T0, signature=SIG)
    other = make_incident("INC-2", onset=T0 + HOUR, signature="payments:latency_p99:error")
    engine.handle([resolved(make_event, first), resolved(make_event, other)])
    assert sink.of(topics.RECURRENCE_DETECTED) == []
    assert engine.review("INC-2").recurrence_of == ()
    assert engine.status()["recurrence"]["rate_pct"] == 0.0


def test_a_second_engine_over_the_same_store_sees_everything(
    clock: FakeClock, store: MemoryStore, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    first_sink, second_sink = EventCapture(), EventCapture()
    engine_for(clock, first_sink, store).handle([resolved(make_event, make_incident("INC-1", signature=SIG))])
    again = engine_for(clock, second_sink, store)
    assert again.review("INC-1").id == "PIR-INC-1"
    assert again.status()["reviews"]["total"] == 1
    assert again.status()["knowledge_base"]["entries"] == 1
    assert again.status()["actions"]["total"] == len(again.review("INC-1").action_item_ids)

    again.handle([resolved(make_event, make_incident("INC-2", onset=T0 + HOUR, signature=SIG))])
    assert second_sink.last(topics.RECURRENCE_DETECTED).payload["previous_incident_ids"] == ["INC-1"]


def test_a_repeated_resolution_changes_nothing(
    engine: EvolutionEngine,
    sink: EventCapture,
    store: MemoryStore,
    make_incident: MakeIncident,
    make_event: MakeEvent,
) -> None:
    incident = make_incident()
    engine.handle([resolved(make_event, incident)])
    before = {c: store.list(c) for c in Collection}
    engine.handle([resolved(make_event, incident)])
    assert {c: store.list(c) for c in Collection} == before
    assert len(sink.of(topics.REVIEW_GENERATED)) == 1


def test_an_open_incident_is_resolved_at_the_event_time(
    engine: EvolutionEngine, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    incident = make_incident(resolve_after=None)
    engine.handle([resolved(make_event, incident, at=T0 + 500)])
    assert engine.review("INC-1").time_to_resolve == 500.0


def test_a_malformed_resolution_fails_after_the_rest_of_the_batch(
    engine: EvolutionEngine, sink: EventCapture, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    bad = make_event(topics.RECOVERY_RESOLVED, T0, incident={"id": "INC-X", "severity": "sev9"})
    missing = make_event(topics.RECOVERY_RESOLVED, T0)
    with pytest.raises(InvalidInputError) as caught:
        engine.handle([bad, missing, resolved(make_event, make_incident())])
    assert caught.value.field == "incident"
    assert [e.payload["incident_id"] for e in sink.of(topics.REVIEW_GENERATED)] == ["INC-1"]


def test_an_incident_without_actions_closes_at_once(
    engine: EvolutionEngine, store: MemoryStore, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    incident = make_incident(tier=RecoveryTier.T0)
    engine.handle([*contained(make_event, incident), resolved(make_event, incident)])
    assert engine.review("INC-1").action_item_ids == ()
    stored = store.get(Collection.INCIDENTS, "INC-1")
    assert stored is not None
    assert stored["status"] == "closed"


def test_completing_the_last_action_closes_the_incident(
    engine: EvolutionEngine,
    store: MemoryStore,
    clock: FakeClock,
    make_incident: MakeIncident,
    make_event: MakeEvent,
) -> None:
    engine.handle([resolved(make_event, make_incident(tier=RecoveryTier.T2))])
    first, *rest = engine.review("INC-1").action_item_ids
    assert rest
    clock.advance(HOUR)
    assert engine.complete_action(first).completed_at == clock.now()
    assert (store.get(Collection.INCIDENTS, "INC-1") or {})["status"] == "post_review"
    for action_id in rest:
        engine.complete_action(action_id)
    incident = store.get(Collection.INCIDENTS, "INC-1") or {}
    assert incident["status"] == "closed"
    assert [e["kind"] for e in incident["timeline"]][-2:] == ["post_review", "closed"]
    with pytest.raises(ConflictError):
        engine.complete_action(first)
    with pytest.raises(NotFoundError):
        engine.complete_action("ACT-nope")


def test_chains_are_bounded_and_deduplicated(
    clock: FakeClock, sink: EventCapture, store: MemoryStore, make_event: MakeEvent
) -> None:
    engine = engine_for(clock, sink, store, max_chains=2, max_chain_events=3)
    alert = make_event(topics.ALERT_FIRED, T0, correlation_id="c1")
    engine.handle([alert, alert])
    assert engine.status()["chains"] == {"tracked": 1, "events": 1}
    engine.handle([make_event(topics.ALERT_FIRED, T0 + n, correlation_id="c1") for n in range(1, 6)])
    assert engine.status()["chains"] == {"tracked": 1, "events": 3}
    engine.handle([make_event(topics.ALERT_FIRED, T0, correlation_id=c) for c in ("c2", "c1", "c3")])
    assert engine.status()["chains"] == {"tracked": 2, "events": 4}  # c2, the least recent, was evicted
    engine.handle([make_event(topics.ALERT_FIRED, T0, correlation_id=None)])
    assert engine.status()["chains"]["tracked"] == 2


def test_tick_forgets_chains_past_their_ttl(
    clock: FakeClock, sink: EventCapture, store: MemoryStore, make_event: MakeEvent
) -> None:
    engine = engine_for(clock, sink, store, chain_ttl_seconds=HOUR)
    engine.handle([make_event(topics.ALERT_FIRED, T0, correlation_id="old")])
    clock.advance(HOUR / 2)
    engine.handle([make_event(topics.ALERT_FIRED, T0, correlation_id="new")])
    clock.advance(HOUR / 2)
    engine.tick()
    assert engine.status()["chains"]["tracked"] == 2
    clock.advance(1)
    engine.tick()
    assert engine.status()["chains"]["tracked"] == 1
    clock.advance(HOUR / 2)
    engine.tick()
    assert engine.status()["chains"]["tracked"] == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_chains": 0}, "max_chains"),
        ({"max_chain_events": 0}, "max_chain_events"),
        ({"chain_ttl_seconds": 0.0}, "chain_ttl_seconds"),
    ],
)
def test_bounds_must_be_positive(
    clock: FakeClock, sink: EventCapture, store: MemoryStore, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        engine_for(clock, sink, store, **kwargs)
    assert caught.value.field == field


def test_status_reports_reviews_actions_velocity_recurrence_and_patterns(
    engine: EvolutionEngine, clock: FakeClock, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    first = make_incident("INC-1", onset=T0, signature=SIG, tier=RecoveryTier.T2)
    second = make_incident("INC-2", onset=T0 + HOUR, signature=SIG, tier=RecoveryTier.T2)
    clock.set(T0 + 2 * HOUR)
    engine.handle([resolved(make_event, first), resolved(make_event, second)])
    engine.complete_action(engine.review("INC-1").action_item_ids[0])
    status = engine.status()
    assert json.loads(json.dumps(status)) == status
    assert status["reviews"]["total"] == 2
    assert [r["incident_id"] for r in status["reviews"]["recent"]] == ["INC-1", "INC-2"]
    assert status["review_completion_pct"] == 100.0
    total = len(engine.review("INC-1").action_item_ids) + len(engine.review("INC-2").action_item_ids)
    assert (status["actions"]["total"], status["actions"]["completed"]) == (total, 1)
    assert status["knowledge_base"] == {"entries": 2}
    assert status["improvement_velocity"] == {
        "quarter": "2023-Q4",
        "completed": 1,
        "target": 8,
        "meets_target": False,
        "by_quarter": {"2023-Q4": 1},
    }
    assert status["recurrence"] == {"incidents": 2, "rate_pct": 50.0, "target_pct": 10.0, "meets_target": False}
    assert status["patterns"] == [
        {"signature": SIG, "incident_ids": ["INC-1", "INC-2"], "first_seen": T0, "last_seen": T0 + HOUR, "count": 2}
    ]


def test_review_completion_counts_reviews_written_after_the_deadline(
    engine: EvolutionEngine, clock: FakeClock, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    late = make_incident("INC-1", onset=T0, resolve_after=600.0)
    clock.set(T0 + 600 + 72 * HOUR + 1)
    engine.handle([resolved(make_event, late)])
    on_time = make_incident("INC-2", onset=T0 + HOUR, resolve_after=600.0)
    engine.handle([resolved(make_event, on_time)])
    assert engine.status()["review_completion_pct"] == 50.0


def test_knowledge_is_searchable_through_the_engine(
    engine: EvolutionEngine, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    engine.handle([resolved(make_event, make_incident("INC-1", signature=SIG))])
    engine.handle([resolved(make_event, make_incident("INC-2", service="orders", onset=T0 + HOUR))])
    assert [e.id for e in engine.search_knowledge("orders")] == ["KB-INC-2"]
    assert [e.id for e in engine.search_knowledge("error_rate", limit=5)] == ["KB-INC-1"]


def test_only_reviewed_incidents_count_for_recurrence(
    engine: EvolutionEngine, sink: EventCapture, store: MemoryStore, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    # recovery writes the incidents it handles; one without a review has no settled signature
    written_elsewhere = make_incident("INC-0", onset=T0 - HOUR)
    store.put(Collection.INCIDENTS, "INC-0", to_record(written_elsewhere))
    engine.handle([resolved(make_event, make_incident("INC-1"))])
    assert sink.of(topics.RECURRENCE_DETECTED) == []
    assert engine.status()["recurrence"]["incidents"] == 1


def test_an_unreviewed_incident_counts_against_review_completion_once_overdue(
    engine: EvolutionEngine, store: MemoryStore, clock: FakeClock, make_incident: MakeIncident
) -> None:
    waiting = make_incident("INC-0", onset=T0, resolve_after=600.0)
    store.put(Collection.INCIDENTS, "INC-0", to_record(waiting))
    clock.set(T0 + 600 + 72 * HOUR)
    assert engine.status()["review_completion_pct"] is None  # still within its deadline
    clock.advance(1)
    assert engine.status()["review_completion_pct"] == 0.0
