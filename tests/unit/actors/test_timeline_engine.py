"""The timeline actor's engine keeps the newest events in the store and reloads them."""

from __future__ import annotations

from actors.timeline_actor import _TimelineEngine
from aref.events import Event, EventCategory
from aref.store import Collection, MemoryStore
from aref.testing import FakeClock


def events(n: int) -> list[Event]:
    clock = FakeClock()
    return [Event.create(EventCategory.SYSTEM, f"e{i}", source="t", clock=clock) for i in range(n)]


def test_a_restarted_timeline_shows_the_same_events() -> None:
    store = MemoryStore()
    first = _TimelineEngine(store)
    batch = events(3)
    first.handle(batch)
    first.handle(batch[:1])  # a repeat is stored once
    again = _TimelineEngine(store)
    assert again.timeline.query() == list(reversed(batch))
    assert len(store.list(Collection.EVENTS)) == 3


def test_only_the_newest_capacity_events_are_kept() -> None:
    store = MemoryStore()
    engine = _TimelineEngine(store, capacity=2)
    batch = events(5)
    engine.handle(batch)
    assert [r["type"] for r in store.list(Collection.EVENTS)] == ["e3", "e4"]
    assert _TimelineEngine(store, capacity=2).timeline.query() == [batch[4], batch[3]]
