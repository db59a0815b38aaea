from __future__ import annotations

from pathlib import Path

import pytest

from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.store import SqliteStore
from aref.testing import FakeClock, MemoryStore
from services.inventory.stockroom import DEFAULT_TTL_S, RestockPolicy, Stockroom
from tests.unit.services.fakes import counting_ids

CATALOG = [
    {"sku": "KB", "name": "Keyboard", "price": 89.0, "on_hand": 10},
    {"sku": "MS", "name": "Mouse", "price": 29.0, "on_hand": 3},
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(0.0)


@pytest.fixture
def room(clock: FakeClock) -> Stockroom:
    stockroom = Stockroom(MemoryStore(), clock, counting_ids())
    stockroom.ensure_catalog(CATALOG)
    return stockroom


def levels(room: Stockroom, sku: str) -> tuple[int, int, int]:
    stock = room.stock(sku)
    return stock["on_hand"], stock["reserved"], stock["available"]


def test_ensure_catalog_adds_only_missing_skus(room: Stockroom) -> None:
    room.reserve("ORD-1", [{"sku": "KB", "quantity": 2}])

    added = room.ensure_catalog([*CATALOG, {"sku": "HUB", "price": 49.0, "on_hand": 1}])

    assert added == 1
    assert levels(room, "KB") == (10, 2, 8)
    assert room.stock("HUB") == {
        "sku": "HUB",
        "name": "HUB",
        "price": 49.0,
        "on_hand": 1,
        "reserved": 0,
        "available": 1,
    }


def test_reserve_holds_units_with_a_ttl_and_logs_the_movement(room: Stockroom) -> None:
    held = room.reserve("ORD-1", [{"sku": "KB", "quantity": 4}], ttl_s=60)

    assert held == [
        {
            "id": "RSV-1",
            "order_id": "ORD-1",
            "sku": "KB",
            "quantity": 4,
            "status": "held",
            "created_at": 0.0,
            "expires_at": 60.0,
            "ended_at": None,
        }
    ]
    assert levels(room, "KB") == (10, 4, 6)
    assert [(m["kind"], m["quantity"], m["reservation_id"]) for m in room.movements()] == [("reserve", 4, "RSV-1")]


def test_a_reservation_beyond_the_available_units_is_refused_and_holds_nothing(room: Stockroom) -> None:
    with pytest.raises(ConflictError, match="insufficient stock for MS: 4 wanted, 3 available"):
        room.reserve("ORD-1", [{"sku": "KB", "quantity": 1}, {"sku": "MS", "quantity": 4}])

    assert levels(room, "KB") == (10, 0, 10)
    assert levels(room, "MS") == (3, 0, 3)
    assert [m["kind"] for m in room.movements()][::-1] == ["reserve", "release"]


@pytest.mark.parametrize(
    ("order_id", "items", "ttl", "field"),
    [
        ("", [{"sku": "KB", "quantity": 1}], 60, "order_id"),
        ("ORD-1", [], 60, "items"),
        ("ORD-1", [{"sku": "KB", "quantity": 0}], 60, "items.0.quantity"),
        ("ORD-1", [{"quantity": 1}], 60, "items.0.sku"),
        ("ORD-1", [{"sku": "KB", "quantity": 1}], 0, "ttl_s"),
    ],
)
def test_bad_reservations_name_the_field(room: Stockroom, order_id: str, items: list, ttl: float, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInputError) as caught:
        room.reserve(order_id, items, ttl_s=ttl)
    assert caught.value.field == field


def test_unknown_skus_are_not_found(room: Stockroom) -> None:
    with pytest.raises(NotFoundError):
        room.reserve("ORD-1", [{"sku": "TV", "quantity": 1}])
    with pytest.raises(NotFoundError):
        room.replenish("TV", 1)


def test_release_returns_the_units_once(room: Stockroom) -> None:
    [held] = room.reserve("ORD-1", [{"sku": "KB", "quantity": 4}])

    released = room.release(held["id"])
    with pytest.raises(ConflictError, match="already released"):
        room.release(held["id"])

    assert released["status"] == "released"
    assert levels(room, "KB") == (10, 0, 10)


def test_commit_ships_the_units(room: Stockroom) -> None:
    [held] = room.reserve("ORD-1", [{"sku": "KB", "quantity": 4}])

    assert room.commit(held["id"])["status"] == "committed"
    assert levels(room, "KB") == (6, 0, 6)
    with pytest.raises(ConflictError):
        room.release(held["id"])


def test_an_expired_reservation_gives_its_units_back_on_the_next_touch(room: Stockroom, clock: FakeClock) -> None:
    [held] = room.reserve("ORD-1", [{"sku": "MS", "quantity": 3}], ttl_s=60)
    clock.advance(59.9)
    with pytest.raises(ConflictError):
        room.reserve("ORD-2", [{"sku": "MS", "quantity": 1}])
    clock.advance(0.1)

    [again] = room.reserve("ORD-2", [{"sku": "MS", "quantity": 2}])

    assert room.reservation(held["id"])["status"] == "expired"
    assert room.reservation(held["id"])["ended_at"] == 60.0
    assert levels(room, "MS") == (3, 2, 1)
    assert again["expires_at"] == 60.0 + DEFAULT_TTL_S


def test_releasing_an_expired_reservation_is_a_conflict_and_the_units_come_back_once(
    room: Stockroom, clock: FakeClock
) -> None:
    [held] = room.reserve("ORD-1", [{"sku": "KB", "quantity": 5}], ttl_s=10)
    clock.advance(10)

    with pytest.raises(ConflictError, match="expired"):
        room.release(held["id"])

    assert room.reservation(held["id"])["status"] == "expired"
    assert levels(room, "KB") == (10, 0, 10)
    assert room.sweep() == 0


def test_sweep_expires_every_overdue_hold(room: Stockroom, clock: FakeClock) -> None:
    room.reserve("ORD-1", [{"sku": "KB", "quantity": 1}], ttl_s=10)
    room.reserve("ORD-2", [{"sku": "MS", "quantity": 1}], ttl_s=10)
    room.reserve("ORD-3", [{"sku": "KB", "quantity": 1}], ttl_s=100)
    clock.advance(50)

    assert room.sweep() == 2
    assert room.stats()["reservations"] == {"held": 1, "released": 0, "committed": 0, "expired": 2}


def test_replenish_and_adjust_change_on_hand_never_below_what_is_reserved(room: Stockroom) -> None:
    room.reserve("ORD-1", [{"sku": "MS", "quantity": 2}])

    assert room.replenish("MS", 5)["on_hand"] == 8
    assert room.adjust("MS", -6, "water damage")["available"] == 0
    with pytest.raises(ConflictError):
        room.adjust("MS", -1, "lost")
    with pytest.raises(InvalidInputError) as caught:
        room.adjust("MS", 0, "nothing")
    assert caught.value.field == "delta"
    with pytest.raises(InvalidInputError) as caught:
        room.adjust("MS", 1, " ")
    assert caught.value.field == "reason"
    assert [(m["kind"], m["quantity"], m["reason"]) for m in room.movements(sku="MS", limit=2)] == [
        ("adjust", -6, "water damage"),
        ("replenish", 5, "replenished"),
    ]


def test_a_restock_policy_orders_more_when_a_reservation_leaves_a_sku_low(clock: FakeClock) -> None:
    room = Stockroom(MemoryStore(), clock, counting_ids(), restock=RestockPolicy(below=2, quantity=10))
    room.ensure_catalog(CATALOG)

    room.reserve("ORD-1", [{"sku": "MS", "quantity": 1}])
    assert levels(room, "MS") == (3, 1, 2)
    room.reserve("ORD-2", [{"sku": "MS", "quantity": 1}])

    assert levels(room, "MS") == (13, 2, 11)
    assert room.movements(limit=1)[0]["reason"] == "auto restock"


def test_a_deferred_restock_orders_nothing_and_the_next_restocking_reservation_orders_it(clock: FakeClock) -> None:
    room = Stockroom(MemoryStore(), clock, counting_ids(), restock=RestockPolicy(below=2, quantity=10))
    room.ensure_catalog(CATALOG)
    deferred: list[str] = []

    room.reserve("ORD-1", [{"sku": "MS", "quantity": 2}, {"sku": "KB", "quantity": 1}], defer_restock=deferred.append)

    assert deferred == ["MS"]  # KB stays above the threshold: nothing to defer
    assert levels(room, "MS") == (3, 2, 1)
    assert [m["kind"] for m in room.movements()] == ["reserve", "reserve"]
    room.reserve("ORD-2", [{"sku": "MS", "quantity": 1}])
    assert levels(room, "MS") == (13, 3, 10)


def test_stats_summarise_stock_and_reservations(room: Stockroom) -> None:
    [held] = room.reserve("ORD-1", [{"sku": "MS", "quantity": 2}])
    room.release(held["id"])
    room.reserve("ORD-2", [{"sku": "MS", "quantity": 1}])

    assert room.stats() == {
        "skus": 2,
        "on_hand": 13,
        "reserved": 1,
        "available": 12,
        "low_stock": ["MS"],
        "reservations": {"held": 1, "released": 1, "committed": 0, "expired": 0},
        "movements": 3,
    }


def test_a_replica_sharing_the_file_sees_an_expiry_and_does_not_repeat_it(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "shop.sqlite3"
    first, second = SqliteStore(path, clock=clock), SqliteStore(path, clock=clock)
    try:
        a = Stockroom(first, clock, counting_ids())
        b = Stockroom(second, clock, counting_ids())
        a.ensure_catalog(CATALOG)
        a.reserve("ORD-1", [{"sku": "KB", "quantity": 4}], ttl_s=10)
        clock.advance(10)

        assert a.sweep() + b.sweep() == 1
        assert levels(b, "KB") == (10, 0, 10)
    finally:
        first.close()
        second.close()
