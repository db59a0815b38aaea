"""seed_history: past incidents reviewed by a real EvolutionEngine at their own times; more on every call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from aref import topics
from aref.config import EvolutionSettings
from aref.errors import InvalidInputError
from aref.evolution import seeding
from aref.evolution.demo_history import PastIncident, past_incidents
from aref.evolution.engine import EvolutionEngine
from aref.evolution.replay_store import FocusedStore
from aref.evolution.review import PostIncidentReview
from aref.evolution.seeding import SeedReport, next_number, seed_history
from aref.models import ActionItem, ActionStatus, Incident, IncidentStatus
from aref.store import Collection, Repository, Store
from aref.testing import EventCapture, FakeClock, MemoryStore

from .builders import T0

SETTINGS = EvolutionSettings()
COLLECTIONS = (Collection.INCIDENTS, Collection.REVIEWS, Collection.ACTION_ITEMS, Collection.KNOWLEDGE)


def seed(count: int, store: Store, sink: EventCapture, clock: FakeClock) -> SeedReport:
    return seed_history(count, settings=SETTINGS, clock=clock, store=store, sink=sink)


def reviews(store: Store) -> list[PostIncidentReview]:
    return Repository(store, Collection.REVIEWS, PostIncidentReview).all()


def test_each_incident_is_stored_and_reviewed_at_its_own_review_time(clock: FakeClock) -> None:
    store, sink = MemoryStore(), EventCapture()
    report = seed(5, store, sink, clock)
    history = past_incidents(1, 5, T0)
    items = Repository(store, Collection.ACTION_ITEMS, ActionItem).all()
    assert report == SeedReport(
        incidents=5, reviews=5, action_items=len(items), events=sum(len(p.chain) for p in history)
    )
    assert len(items) > 0
    written = {r.incident_id: r for r in reviews(store)}
    assert sorted(written) == [f"INC-SEED-000{n}" for n in range(1, 6)]
    for past in history:
        review = written[past.incident.id]
        assert (review.created_at, review.title, review.fault_signature) == (
            past.review_at,
            past.incident.title,
            past.signature,
        )
        assert {i.created_at for i in items if i.incident_id == past.incident.id} <= {past.review_at}
    stored = Repository(store, Collection.INCIDENTS, Incident).all()
    assert {i.status for i in stored} <= {IncidentStatus.POST_REVIEW, IncidentStatus.CLOSED}
    assert len(store.list(Collection.KNOWLEDGE)) == 5
    assert clock.now() == T0  # the caller's clock is only read


def test_only_the_engines_own_events_go_out_marked_as_seeded(clock: FakeClock) -> None:
    store, sink = MemoryStore(), EventCapture()
    seed(8, store, sink, clock)
    assert set(sink.topics()) <= {topics.REVIEW_GENERATED, topics.RECURRENCE_DETECTED}
    generated = sink.of(topics.REVIEW_GENERATED)
    assert len(generated) == 8
    assert all(e.source == "evolution" and e.payload["seeded"] is True for e in sink.events)
    at = {p.incident.correlation_id: p.review_at for p in past_incidents(1, 8, T0)}
    assert [e.timestamp for e in generated] == sorted(at[e.correlation_id or ""] for e in generated)


def test_a_recurrence_names_the_earlier_incidents_of_its_signature_already_reviewed(clock: FakeClock) -> None:
    store = MemoryStore()
    seed(20, store, EventCapture(), clock)
    seed(10, store, EventCapture(), clock)  # the second batch is matched against the first as well
    everything = sorted((*past_incidents(1, 20, T0), *past_incidents(21, 10, T0)), key=lambda p: p.incident.onset_at)
    by_id = {p.incident.id: p for p in everything}

    def reviewed_before(p: PastIncident, x: PastIncident) -> bool:
        p_first, x_first = p.number <= 20, x.number <= 20
        return (p_first and not x_first) or (p_first == x_first and p.review_at < x.review_at)

    recurring = 0
    for review in reviews(store):
        x = by_id[review.incident_id]
        expected = [
            p.incident.id
            for p in everything
            if p.signature == x.signature and p.incident.onset_at < x.incident.onset_at and reviewed_before(p, x)
        ]
        assert list(review.recurrence_of) == expected, review.incident_id
        recurring += bool(expected)
    assert recurring > 0


def test_action_items_are_completed_at_their_follow_up_times(clock: FakeClock) -> None:
    store = MemoryStore()
    seed(30, store, EventCapture(), clock)
    items = Repository(store, Collection.ACTION_ITEMS, ActionItem).all()
    incidents = {i.id: i for i in Repository(store, Collection.INCIDENTS, Incident).all()}
    completed = 0
    for past in past_incidents(1, 30, T0):
        mine = [i for i in items if i.incident_id == past.incident.id]
        done = [i.completed_at for i in mine if i.status == ActionStatus.COMPLETED]
        assert done == list(past.follow_ups[: len(mine)])
        completed += len(done)
        expected = IncidentStatus.CLOSED if len(done) == len(mine) else IncidentStatus.POST_REVIEW
        assert incidents[past.incident.id].status == expected
    assert completed > 0


def test_seeding_twice_adds_more_with_new_ids(clock: FakeClock) -> None:
    store = MemoryStore()
    store.put(Collection.INCIDENTS, "INC-live", {"id": "INC-live"})
    assert next_number(store) == 1
    first = seed(3, store, EventCapture(), clock)
    assert next_number(store) == 4
    second = seed(3, store, EventCapture(), clock)
    assert (first.incidents, second.incidents) == (3, 3)
    ids = sorted(r.incident_id for r in reviews(store))
    assert ids == [f"INC-SEED-000{n}" for n in range(1, 7)]
    assert next_number(store) == 7


def test_a_bad_count_is_refused_naming_incidents_and_stores_nothing(clock: FakeClock) -> None:
    store, sink = MemoryStore(), EventCapture()
    for bad in (0, 101):
        with pytest.raises(InvalidInputError) as caught:
            seed(bad, store, sink, clock)
        assert caught.value.field == "incidents"
    assert all(store.list(c) == [] for c in COLLECTIONS)
    assert sink.events == []


def test_the_focused_view_stores_exactly_what_the_engine_stores_without_it(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    focused, plain = MemoryStore(), MemoryStore()
    for _ in range(2):
        seed(6, focused, EventCapture(), clock)
    monkeypatch.setattr(seeding, "FocusedStore", _Unfocused)
    for _ in range(2):
        seed(6, plain, EventCapture(), clock)
    assert all(focused.list(c) == plain.list(c) for c in COLLECTIONS)
    assert any(r.recurrence_of for r in reviews(plain))


class _Unfocused(FocusedStore):
    """Lists every record in full: the engine sees the store as it is, without the view."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._full = store

    def list(
        self, collection: Collection | str, *, where: Mapping[str, Any] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        return self._full.list(collection, where=where, limit=limit)


def test_the_live_engine_sees_the_history(clock: FakeClock) -> None:
    store = MemoryStore()
    seed(12, store, EventCapture(), clock)
    status = EvolutionEngine(SETTINGS, clock, EventCapture(), store).status()
    assert status["reviews"]["total"] == 12
    assert status["knowledge_base"]["entries"] == 12
    assert status["review_completion_pct"] == 100.0  # every review was written within the deadline
    assert status["recurrence"]["incidents"] == 12
