"""The index of holds: availability stays right while an order's cost stays flat as holds pile up."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from aref.errors import ConflictError
from aref.store import SqliteStore, Store
from aref.testing import FakeClock, MemoryStore
from services.inventory.holds import HOLDS, Holds
from services.inventory.stockroom import RESERVATIONS, Stockroom
from tests.unit.services.fakes import counting_ids

ON_HAND = {"KB": 40, "MS": 25}


class CountingStore:
    """A MemoryStore that counts the records it hands out: get, list, scan and the read inside update."""

    def __init__(self) -> None:
        self.inner = MemoryStore()
        self.read = 0

    def put(self, collection: str, key: str, record: Mapping[str, Any]) -> None:
        self.inner.put(collection, key, record)

    def get(self, collection: str, key: str) -> dict[str, Any] | None:
        found = self.inner.get(collection, key)
        self.read += found is not None
        return found

    def scan(
        self, collection: str, *, start: str = "", stop: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        rows = self.inner.scan(collection, start=start, stop=stop, limit=limit)
        self.read += len(rows)
        return rows

    def list(
        self, collection: str, *, where: Mapping[str, Any] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        rows = self.inner.list(collection, where=where, limit=limit)
        self.read += len(rows)
        return rows

    def update(
        self, collection: str, key: str, change: Callable[[dict[str, Any] | None], Mapping[str, Any] | None]
    ) -> dict[str, Any] | None:
        def counted(current: dict[str, Any] | None) -> Mapping[str, Any] | None:
            self.read += current is not None
            return change(current)

        return self.inner.update(collection, key, counted)

    def delete(self, collection: str, key: str) -> bool:
        return self.inner.delete(collection, key)

    def write_many(self, collection: str, puts: Mapping[str, Mapping[str, Any]], deletes: Iterable[str] = ()) -> None:
        self.inner.write_many(collection, puts, deletes)

    def close(self) -> None:
        self.inner.close()


def new_room(store: Store, clock: FakeClock) -> Stockroom:
    room = Stockroom(store, clock, counting_ids())
    room.ensure_catalog([{"sku": sku, "price": 1.0, "on_hand": n} for sku, n in ON_HAND.items()])
    return room


def reads_of_one_reservation(held: int) -> int:
    clock = FakeClock(1000.0)
    store = CountingStore()
    room = new_room(store, clock)  # type: ignore[arg-type]
    room.replenish("KB", 10_000)
    for n in range(held):
        room.reserve(f"ORD-{n}", [{"sku": "KB", "quantity": 1}], ttl_s=300)
    clock.advance(1)
    store.read = 0
    room.reserve("ORD-X", [{"sku": "KB", "quantity": 1}], ttl_s=300)
    return store.read


def test_a_reservation_reads_the_same_records_with_one_or_five_hundred_holds() -> None:
    assert reads_of_one_reservation(1) == reads_of_one_reservation(500) == 1  # the SKU's stock record


def test_due_holds_are_read_once_and_the_next_order_reads_one_record_again() -> None:
    clock = FakeClock(0.0)
    store = CountingStore()
    room = new_room(store, clock)  # type: ignore[arg-type]
    for n in range(20):
        room.reserve(f"ORD-{n}", [{"sku": "KB", "quantity": 1}], ttl_s=10 if n < 5 else 100)
    clock.advance(10)

    store.read = 0
    room.reserve("ORD-A", [{"sku": "KB", "quantity": 1}])
    first = store.read
    store.read = 0
    room.reserve("ORD-B", [{"sku": "KB", "quantity": 1}])

    assert first > 5  # the five due holds, each checked and ended
    assert store.read == 1
    assert room.stock("KB")["reserved"] == 15 + 2


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "holds.sqlite3")
    yield opened
    opened.close()


def test_availability_matches_a_model_across_reserve_release_commit_and_expiry(store: Store) -> None:
    """300 random steps; after each, every SKU's levels equal what the reservations' fates imply."""
    clock = FakeClock(0.0)
    room = new_room(store, clock)
    rng = random.Random(12)
    on_hand = dict(ON_HAND)
    held: dict[str, dict[str, Any]] = {}  # id -> reservation, until released, committed or past its TTL
    for n in range(300):
        step = rng.choice(("reserve", "reserve", "release", "commit", "wait"))
        live = [r for r in held.values() if clock.now() < r["expires_at"]]
        if step == "reserve":
            sku, quantity = rng.choice(sorted(ON_HAND)), rng.randint(1, 4)
            available = on_hand[sku] - sum(r["quantity"] for r in live if r["sku"] == sku)
            if quantity > available:
                with pytest.raises(ConflictError):
                    room.reserve(f"ORD-{n}", [{"sku": sku, "quantity": quantity}], ttl_s=rng.choice((5, 20, 60)))
            else:
                [new] = room.reserve(f"ORD-{n}", [{"sku": sku, "quantity": quantity}], ttl_s=rng.choice((5, 20, 60)))
                held[new["id"]] = new
        elif step in ("release", "commit") and held:
            chosen = held.pop(rng.choice(sorted(held)))
            if clock.now() >= chosen["expires_at"]:
                with pytest.raises(ConflictError):
                    getattr(room, step)(chosen["id"])
            else:
                getattr(room, step)(chosen["id"])
                on_hand[chosen["sku"]] -= chosen["quantity"] if step == "commit" else 0
        elif step == "wait":
            clock.advance(rng.choice((1, 3, 7, 15)))
        for sku in ON_HAND:
            reserved = sum(r["quantity"] for r in held.values() if r["sku"] == sku and clock.now() < r["expires_at"])
            stock = room.stock(sku)
            assert (stock["on_hand"], stock["reserved"], stock["available"]) == (
                on_hand[sku],
                reserved,
                on_hand[sku] - reserved,
            )
    assert sorted(r["id"] for r in store.list(RESERVATIONS, where={"status": "held"})) == sorted(
        r["id"] for r in held.values() if clock.now() < r["expires_at"]
    )
    assert len(store.scan(HOLDS)) == len(store.list(RESERVATIONS, where={"status": "held"}))


def test_an_ended_reservation_leaves_no_hold_behind(store: Store) -> None:
    clock = FakeClock(0.0)
    room = new_room(store, clock)
    a, b, c = (room.reserve(f"ORD-{n}", [{"sku": "KB", "quantity": 1}], ttl_s=10)[0] for n in range(3))
    room.release(a["id"])
    room.commit(b["id"])
    assert [h["reservation_id"] for h in store.scan(HOLDS)] == [c["id"]]
    clock.advance(10)
    assert room.sweep() == 1
    assert store.scan(HOLDS) == []


def test_one_skus_holds_are_not_read_for_another_whose_name_it_starts(store: Store) -> None:
    clock = FakeClock(0.0)
    room = new_room(store, clock)
    room.ensure_catalog([{"sku": "KB|0", "price": 1.0, "on_hand": 5}])
    [other] = room.reserve("ORD-1", [{"sku": "KB|0", "quantity": 2}], ttl_s=1)
    clock.advance(5)

    room.stock("KB")

    assert room.reservation(other["id"])["status"] == "held"
    assert room.stock("KB|0")["reserved"] == 0
    assert room.reservation(other["id"])["status"] == "expired"


def test_a_hold_whose_reservation_is_gone_is_dropped_when_due(store: Store) -> None:
    clock = FakeClock(0.0)
    room = new_room(store, clock)
    [held] = room.reserve("ORD-1", [{"sku": "KB", "quantity": 2}], ttl_s=10)
    store.delete(RESERVATIONS, held["id"])  # a crash between the hold's write and the reservation's
    clock.advance(10)

    assert room.sweep() == 0
    assert store.scan(HOLDS) == []


def test_reservations_held_before_the_index_existed_expire_once_indexed(store: Store) -> None:
    clock = FakeClock(0.0)
    room = new_room(store, clock)
    [held] = room.reserve("ORD-1", [{"sku": "MS", "quantity": 3}], ttl_s=10)
    Holds(store).remove(held)  # as in a store written by the stockroom before the index existed
    clock.advance(10)
    assert room.stock("MS")["reserved"] == 3  # nothing finds the hold

    assert room.index_holds() == 1
    assert room.stock("MS")["reserved"] == 0
    assert room.reservation(held["id"])["status"] == "expired"
