from __future__ import annotations

import pytest

from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.testing import FakeClock, MemoryStore
from services.orders.book import AUDIT, ORDERS, OrderBook
from tests.unit.services.fakes import counting_ids

LINES = [{"sku": "SKU-1", "quantity": 2, "unit_price": 9.99}, {"sku": "SKU-2", "quantity": 1, "unit_price": 5.0}]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def book(store: MemoryStore, clock: FakeClock) -> OrderBook:
    return OrderBook(store, clock, counting_ids())


def test_create_stores_a_pending_order_with_its_total_and_one_audit_entry(book: OrderBook, store: MemoryStore) -> None:
    order = book.create(" ann ", LINES, currency="eur")

    assert order == {
        "id": "ORD-1",
        "customer": "ann",
        "items": LINES,
        "total": 24.98,
        "currency": "EUR",
        "status": "pending",
        "payment_id": None,
        "reservation_ids": [],
        "reason": "",
        "created_at": 1000.0,
        "updated_at": 1000.0,
    }
    assert store.get(ORDERS, "ORD-1") == order
    assert store.list(AUDIT) == [
        {
            "id": "AUD-2",
            "order_id": "ORD-1",
            "from_status": None,
            "to_status": "pending",
            "reason": "created",
            "at": 1000.0,
        }
    ]


@pytest.mark.parametrize(
    ("customer", "items", "field"),
    [
        ("", LINES, "customer"),
        ("ann", [], "items"),
        ("ann", "SKU-1", "items"),
        ("ann", [{"sku": "", "quantity": 1, "unit_price": 1.0}], "items.0.sku"),
        ("ann", [{"sku": "A", "quantity": 0, "unit_price": 1.0}], "items.0.quantity"),
        ("ann", [{"sku": "A", "quantity": 1, "unit_price": -1}], "items.0.unit_price"),
        ("ann", [LINES[0], "oops"], "items.1"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(book: OrderBook, customer: str, items: object, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        book.create(customer, items)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_the_lifecycle_moves_pending_confirmed_fulfilled_and_audits_each_step(
    book: OrderBook, clock: FakeClock
) -> None:
    order = book.create("ann", LINES)
    clock.advance(5)
    confirmed = book.confirm(order["id"], payment_id="PAY-9", reason="payment captured")
    clock.advance(5)
    fulfilled = book.fulfill(order["id"])

    assert (confirmed["status"], confirmed["payment_id"], confirmed["updated_at"]) == ("confirmed", "PAY-9", 1005.0)
    assert (fulfilled["status"], fulfilled["updated_at"]) == ("fulfilled", 1010.0)
    trail = [(e["from_status"], e["to_status"], e["reason"], e["at"]) for e in book.audit(order["id"])]
    assert trail == [
        ("confirmed", "fulfilled", "fulfilled", 1010.0),
        ("pending", "confirmed", "payment captured", 1005.0),
        (None, "pending", "created", 1000.0),
    ]


@pytest.mark.parametrize("before", ["pending", "confirmed"])
def test_pending_and_confirmed_orders_can_be_cancelled_with_a_reason(book: OrderBook, before: str) -> None:
    order = book.create("ann", LINES)
    if before == "confirmed":
        book.confirm(order["id"])

    cancelled = book.cancel(order["id"], reason="payment failed")

    assert (cancelled["status"], cancelled["reason"]) == ("cancelled", "payment failed")
    assert book.audit(order["id"])[0]["from_status"] == before


@pytest.mark.parametrize(
    ("setup", "move"),
    [
        (["cancel"], "confirm"),
        (["confirm", "fulfill"], "cancel"),
        ([], "fulfill"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(book: OrderBook, setup: list[str], move: str) -> None:
    order = book.create("ann", LINES)
    for step in setup:
        getattr(book, step)(order["id"])
    before, trail = book.get(order["id"]), book.audit(order["id"])

    with pytest.raises(ConflictError):
        getattr(book, move)(order["id"])

    assert book.get(order["id"]) == before
    assert book.audit(order["id"]) == trail


def test_an_order_whose_total_is_beyond_any_amount_is_refused_naming_its_items(book: OrderBook) -> None:
    lines = [{"sku": "SKU-1", "quantity": 950, "unit_price": 1e9}]  # each line valid, the total is not
    with pytest.raises(InvalidInputError) as caught:
        book.create("ann", lines)
    assert caught.value.field == "items"


def test_repeating_a_move_answers_the_order_unchanged_but_other_details_conflict(book: OrderBook) -> None:
    order = book.create("ann", LINES)
    confirmed = book.confirm(order["id"], payment_id="PAY-1")
    trail = book.audit(order["id"])

    assert book.confirm(order["id"], payment_id="PAY-1") == confirmed
    with pytest.raises(ConflictError):
        book.confirm(order["id"], payment_id="PAY-2")
    cancelled = book.cancel(order["id"], reason="out of stock")
    assert book.cancel(order["id"], reason="out of stock") == cancelled
    with pytest.raises(ConflictError):
        book.cancel(order["id"], reason="changed my mind")
    assert len(book.audit(order["id"])) == len(trail) + 1


def test_create_once_answers_the_same_order_for_the_same_key(book: OrderBook, store: MemoryStore) -> None:
    first, created = book.create_once("key-1", "ann", LINES)
    again, created_again = book.create_once("key-1", "ann", LINES)

    assert (created, created_again) == (True, False)
    assert again == first
    assert len(store.list(ORDERS)) == 1
    assert len(book.audit(first["id"])) == 1
    other, _ = book.create_once("key-2", "ann", LINES)
    assert other["id"] != first["id"]


def test_create_once_refuses_a_key_reused_for_another_order(book: OrderBook, store: MemoryStore) -> None:
    book.create_once("key-1", "ann", LINES)
    with pytest.raises(ConflictError, match="key-1"):
        book.create_once("key-1", "bob", LINES)
    with pytest.raises(InvalidInputError) as bad:
        book.create_once(" ", "ann", LINES)
    assert bad.value.field == "idempotency_key"
    assert len(store.list(ORDERS)) == 1


def test_create_once_finishes_an_order_whose_first_caller_died_after_claiming_the_key(
    book: OrderBook, store: MemoryStore
) -> None:
    book.create_once("key-1", "ann", LINES)
    (order_id,) = [o["id"] for o in store.list(ORDERS)]
    store.delete(ORDERS, order_id)  # the claim was written, the order never was
    store.delete(AUDIT, book.audit(order_id)[0]["id"])

    order, created = book.create_once("key-1", "ann", LINES)

    assert (order["id"], order["status"], created) == (order_id, "pending", True)
    assert len(book.audit(order_id)) == 1


def test_unknown_orders_are_not_found(book: OrderBook) -> None:
    with pytest.raises(NotFoundError):
        book.get("ORD-404")
    with pytest.raises(NotFoundError):
        book.confirm("ORD-404")
    with pytest.raises(NotFoundError):
        book.attach_reservations("ORD-404", ["RSV-1"])


def test_attach_reservations_keeps_each_id_once_without_an_audit_entry(book: OrderBook) -> None:
    order = book.create("ann", LINES)

    book.attach_reservations(order["id"], ["RSV-1", "RSV-2"])
    updated = book.attach_reservations(order["id"], ["RSV-2", "RSV-3"])

    assert updated["reservation_ids"] == ["RSV-1", "RSV-2", "RSV-3"]
    assert len(book.audit(order["id"])) == 1


def test_find_filters_by_status_and_customer_newest_first_and_limits(book: OrderBook) -> None:
    first = book.create("ann", LINES)
    second = book.create("bob", LINES)
    third = book.create("ann", LINES)
    book.confirm(third["id"])

    assert [o["id"] for o in book.find()] == [third["id"], second["id"], first["id"]]
    assert [o["id"] for o in book.find(customer="ann")] == [third["id"], first["id"]]
    assert [o["id"] for o in book.find(status="pending")] == [second["id"], first["id"]]
    assert [o["id"] for o in book.find(limit=1)] == [third["id"]]
    with pytest.raises(InvalidInputError) as caught:
        book.find(status="lost")
    assert caught.value.field == "status"
    with pytest.raises(InvalidInputError):
        book.find(limit=0)


def test_stats_count_statuses_revenue_and_cancellation_rate(book: OrderBook) -> None:
    assert book.stats() == {
        "total": 0,
        "by_status": {"pending": 0, "confirmed": 0, "cancelled": 0, "fulfilled": 0},
        "revenue": 0.0,
        "average_order_value": 0.0,
        "cancellation_rate": 0.0,
        "customers": 0,
    }
    a = book.create("ann", [{"sku": "A", "quantity": 1, "unit_price": 10.0}])
    b = book.create("bob", [{"sku": "A", "quantity": 3, "unit_price": 10.0}])
    c = book.create("ann", [{"sku": "A", "quantity": 1, "unit_price": 99.0}])
    book.create("cat", [{"sku": "A", "quantity": 1, "unit_price": 1.0}])
    book.confirm(a["id"])
    book.confirm(b["id"])
    book.fulfill(b["id"])
    book.cancel(c["id"])

    assert book.stats() == {
        "total": 4,
        "by_status": {"pending": 1, "confirmed": 1, "cancelled": 1, "fulfilled": 1},
        "revenue": 40.0,
        "average_order_value": 20.0,
        "cancellation_rate": 0.25,
        "customers": 3,
    }
