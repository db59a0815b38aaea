"""TimelineService: every delivered event kept once in the store (the newest ``capacity``), reloaded on restart."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from aref.control.pillars.timeline import TimelineService
from aref.errors import InvalidInputError, StoreError
from aref.events import Event, EventCategory, Severity
from aref.store import Collection, MemoryStore
from aref.testing import FakeClock
from tests.unit.control.pillars.env import FakeEnvironment

run = asyncio.run


def events(n: int, category: EventCategory = EventCategory.SYSTEM) -> list[Event]:
    clock = FakeClock()
    return [Event.create(category, f"e{i}", source="t", clock=clock) for i in range(n)]


def timeline_over(store: MemoryStore, capacity: int | None = None) -> TimelineService:
    env = FakeEnvironment(store=store)
    return TimelineService(env) if capacity is None else TimelineService(env, capacity=capacity)


def test_a_restarted_timeline_shows_the_same_events() -> None:
    store = MemoryStore()
    first = timeline_over(store)
    batch = events(3)
    assert first.deliver(batch) == 3
    assert first.deliver(batch[:1]) == 0  # a repeat is stored once
    again = timeline_over(store)
    assert again.timeline.query() == list(reversed(batch))
    assert len(store.list(Collection.EVENTS)) == 3
    assert again.deliver(batch[1:2]) == 0  # a restarted timeline still knows what it holds


def test_only_the_newest_capacity_events_are_kept() -> None:
    store = MemoryStore()
    timeline = timeline_over(store, capacity=2)
    batch = events(5)
    timeline.deliver(batch)
    assert [r["type"] for r in store.list(Collection.EVENTS)] == ["e3", "e4"]
    assert timeline.timeline.query() == [batch[4], batch[3]]
    assert timeline_over(store, capacity=2).timeline.query() == [batch[4], batch[3]]


def test_a_smaller_capacity_on_restart_drops_the_oldest_from_the_store() -> None:
    store = MemoryStore()
    batch = events(4)
    timeline_over(store).deliver(batch)
    smaller = timeline_over(store, capacity=2)
    assert smaller.timeline.query() == [batch[3], batch[2]]
    assert [r["type"] for r in store.list(Collection.EVENTS)] == ["e2", "e3"]


def test_the_query_counts_every_match_and_returns_the_newest_first() -> None:
    timeline = timeline_over(MemoryStore())
    system, chaos = events(3), events(1, EventCategory.CHAOS)
    timeline.deliver([*system, *chaos])
    view = run(timeline.query("system", None, None, 2))
    assert [e["type"] for e in view["events"]] == ["e2", "e1"]
    assert (view["matched"], view["retained"]) == (3, 4)
    assert view["summary"]["by_category"] == {"system": 3}
    assert run(timeline.query(None, Severity.CRITICAL.value, None, 10))["matched"] == 0
    with pytest.raises(InvalidInputError) as bad_category:
        run(timeline.query("weather", None, None, 10))
    with pytest.raises(InvalidInputError) as bad_limit:
        run(timeline.query(None, None, None, 1001))
    assert (bad_category.value.field, bad_limit.value.field) == ("category", "limit")
    assert run(timeline.status())["total"] == 4


def test_a_tick_changes_nothing() -> None:
    timeline = timeline_over(MemoryStore())
    timeline.deliver(events(2))
    timeline.tick()
    assert (len(timeline.timeline), timeline.ticks) == (2, 1)


def test_an_event_twice_in_one_batch_is_kept_once() -> None:
    store = MemoryStore()
    timeline = timeline_over(store, capacity=3)
    a, b, c = events(3)
    assert timeline.deliver([a, a]) == 1
    timeline.deliver([b, c])
    assert [r["type"] for r in store.list(Collection.EVENTS)] == ["e0", "e1", "e2"]
    assert len(timeline_over(store, capacity=3).timeline) == 3


class OneWriteStore(MemoryStore):
    """A MemoryStore that counts ``write_many`` calls and can be told to fail them."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self.broken = False

    def write_many(
        self, collection: Collection | str, puts: Mapping[str, Mapping[str, Any]], deletes: Iterable[str] = ()
    ) -> None:
        if self.broken:
            raise StoreError("disk full")
        self.writes += 1
        super().write_many(collection, puts, deletes)


def test_a_batch_is_one_store_write_with_its_overflow() -> None:
    store = OneWriteStore()
    timeline = timeline_over(store, capacity=3)
    before = store.writes
    timeline.deliver(events(5))
    assert store.writes == before + 1
    assert [r["type"] for r in store.list(Collection.EVENTS)] == ["e2", "e3", "e4"]


def test_a_failed_write_leaves_the_timeline_as_it_was() -> None:
    store = OneWriteStore()
    timeline = timeline_over(store, capacity=3)
    kept = events(2)
    timeline.deliver(kept)
    store.broken = True
    lost = events(1, EventCategory.CHAOS)
    with pytest.raises(StoreError):
        timeline.deliver(lost)
    store.broken = False
    assert timeline.timeline.query() == list(reversed(kept))
    assert timeline.deliver(lost) == 1  # not marked as held: a redelivery is kept
