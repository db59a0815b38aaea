"""Reserving for an order is safe to repeat: a repeat answers the same holds, never a second set."""

from __future__ import annotations

import pytest

from aref.errors import BusyError
from aref.testing import FakeClock, MemoryStore
from services.inventory.stockroom import CLAIMS, RESERVATIONS, STALE_CLAIM_S, Stockroom, claim_key
from tests.unit.services.fakes import counting_ids
from tests.unit.services.inventory.test_stockroom import CATALOG, levels

LINES = [{"sku": "KB", "quantity": 2}, {"sku": "MS", "quantity": 1}]
KEYED = [("KB", 2), ("MS", 1)]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(0.0)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def room(store: MemoryStore, clock: FakeClock) -> Stockroom:
    stockroom = Stockroom(store, clock, counting_ids())
    stockroom.ensure_catalog(CATALOG)
    return stockroom


def test_a_repeat_answers_the_same_reservations_and_holds_nothing_more(room: Stockroom) -> None:
    first = room.reserve("ORD-1", LINES)
    again = room.reserve("ORD-1", list(reversed(LINES)))

    assert again == first
    assert (levels(room, "KB"), levels(room, "MS")) == ((10, 2, 8), (3, 1, 2))
    other = room.reserve("ORD-1", [{"sku": "KB", "quantity": 1}])  # other lines: a reservation of its own
    assert other[0]["id"] not in {r["id"] for r in first}
    assert levels(room, "KB") == (10, 3, 7)


def test_a_repeat_while_the_first_is_still_reserving_is_busy(room: Stockroom, store: MemoryStore) -> None:
    room.reserve("ORD-1", LINES)
    store.put(CLAIMS, claim_key("ORD-2", KEYED), {"attempt": "x", "status": "reserving", "at": 0.0, "ids": []})

    with pytest.raises(BusyError, match="ORD-2"):
        room.reserve("ORD-2", LINES)
    assert (levels(room, "KB"), levels(room, "MS")) == ((10, 2, 8), (3, 1, 2))


def test_a_claim_whose_caller_died_is_taken_over_and_its_holds_released(
    room: Stockroom, store: MemoryStore, clock: FakeClock
) -> None:
    first = room.reserve("ORD-1", LINES)
    dead = {"attempt": "dead", "status": "reserving", "at": 0.0, "ids": []}  # died before recording its holds
    store.put(CLAIMS, claim_key("ORD-1", KEYED), dead)
    clock.advance(STALE_CLAIM_S)

    second = room.reserve("ORD-1", LINES)

    assert {r["id"] for r in second}.isdisjoint(r["id"] for r in first)
    assert {room.reservation(r["id"])["status"] for r in first} == {"released"}
    assert (levels(room, "KB"), levels(room, "MS")) == ((10, 2, 8), (3, 1, 2))
    assert len(store.list(RESERVATIONS, where={"order_id": "ORD-1", "status": "held"})) == 2
