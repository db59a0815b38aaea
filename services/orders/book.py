"""The order book: order lifecycle, audit trail and summary, kept in a ``Store``.

Lifecycle: pending -> confirmed -> fulfilled, and pending | confirmed -> cancelled. Any other
transition is refused with ``ConflictError`` and changes nothing; asking for the state an order
is already in, with the same details, is a repeat and answers the order unchanged. Every change
(creation included) appends one entry to the audit log. Orders live in collection ``orders``
keyed by id, audit entries in ``order_audit`` in the order they happened. A transition is one
atomic ``Store.update``, so two replicas sharing the store can never both move the same order.
``create_once`` makes creation safe to repeat: the first call with an idempotency key claims an
order id for it (``order_keys``), and every later call with that key answers that order, even
when the first caller died between the claim and the write; the same key with a different
order is a ``ConflictError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from aref.clock import Clock
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.store import Store
from services.base import checks
from services.base.checks import DEFAULT_IDS, IdFactory

ORDERS = "orders"
AUDIT = "order_audit"
KEYS = "order_keys"
MAX_LINES = 50


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    FULFILLED = "fulfilled"


TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.FULFILLED, OrderStatus.CANCELLED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.FULFILLED: frozenset(),
}


def _status(field: str, value: str | None) -> OrderStatus | None:
    if value is None:
        return None
    try:
        return OrderStatus(value)
    except ValueError:
        raise InvalidInputError(field, f"must be one of {', '.join(s.value for s in OrderStatus)}") from None


def _lines(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not isinstance(items, (list, tuple)) or not items:
        raise InvalidInputError("items", "must be a non-empty list")
    if len(items) > MAX_LINES:
        raise InvalidInputError("items", f"at most {MAX_LINES} lines")
    lines = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise InvalidInputError(f"items.{i}", "must be an object with sku, quantity, unit_price")
        lines.append(
            {
                "sku": checks.text(f"items.{i}.sku", item.get("sku"), max_length=64),
                "quantity": checks.count(f"items.{i}.quantity", item.get("quantity"), maximum=10_000),
                "unit_price": checks.amount(f"items.{i}.unit_price", item.get("unit_price")),
            }
        )
    return lines


class OrderBook:
    def __init__(self, store: Store, clock: Clock, ids: IdFactory = DEFAULT_IDS) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids

    def create(self, customer: str, items: Sequence[Mapping[str, Any]], *, currency: str = "USD") -> dict[str, Any]:
        """A new pending order; ``items`` are ``{sku, quantity, unit_price}``."""
        order = self._draft(self._ids("ORD"), customer, items, currency)
        self._store.put(ORDERS, order["id"], order)
        self._audit(order["id"], None, OrderStatus.PENDING, "created")
        return order

    def create_once(
        self, key: str, customer: str, items: Sequence[Mapping[str, Any]], *, currency: str = "USD"
    ) -> tuple[dict[str, Any], bool]:
        """The order of idempotency ``key``, created on its first use: ``(order, created)``."""
        key = checks.idempotency_key("idempotency_key", key)
        draft = self._draft(self._ids("ORD"), customer, items, currency)
        request = {"customer": draft["customer"], "items": draft["items"], "currency": draft["currency"]}
        claim = self._store.update(KEYS, key, lambda c: None if c else {"order_id": draft["id"], "request": request})
        assert claim is not None
        if claim["request"] != request:
            raise ConflictError(f"idempotency key {key!r} was already used for another order")
        order = {**draft, "id": claim["order_id"]}
        written: list[bool] = []

        def write_once(current: dict[str, Any] | None) -> dict[str, Any] | None:
            if current is not None:
                return None
            written.append(True)
            return order

        stored = self._store.update(ORDERS, order["id"], write_once)
        assert stored is not None
        if written:
            self._audit(order["id"], None, OrderStatus.PENDING, "created")
        return stored, bool(written)

    def _draft(self, order_id: str, customer: str, items: Sequence[Mapping[str, Any]], currency: str) -> dict[str, Any]:
        who = checks.text("customer", customer, max_length=100)
        lines = _lines(items)
        money = checks.text("currency", currency, max_length=3).upper()
        now = self._clock.now()
        return {
            "id": order_id,
            "customer": who,
            "items": lines,
            "total": checks.amount("items", sum(line["quantity"] * line["unit_price"] for line in lines)),
            "currency": money,
            "status": OrderStatus.PENDING.value,
            "payment_id": None,
            "reservation_ids": [],
            "reason": "",
            "created_at": now,
            "updated_at": now,
        }

    def get(self, order_id: str) -> dict[str, Any]:
        order = self._store.get(ORDERS, order_id)
        if order is None:
            raise NotFoundError("order", order_id)
        return order

    def confirm(self, order_id: str, *, payment_id: str | None = None, reason: str = "confirmed") -> dict[str, Any]:
        fields: dict[str, Any] = {"payment_id": payment_id} if payment_id else {}
        return self._move(order_id, OrderStatus.CONFIRMED, reason, fields)

    def cancel(self, order_id: str, *, reason: str = "cancelled") -> dict[str, Any]:
        return self._move(order_id, OrderStatus.CANCELLED, reason, {"reason": reason})

    def fulfill(self, order_id: str, *, reason: str = "fulfilled") -> dict[str, Any]:
        return self._move(order_id, OrderStatus.FULFILLED, reason, {})

    def attach_reservations(self, order_id: str, reservation_ids: Sequence[str]) -> dict[str, Any]:
        """Remember the stock reservations held for the order (no status change, no audit entry)."""

        def change(current: dict[str, Any] | None) -> dict[str, Any]:
            if current is None:
                raise NotFoundError("order", order_id)
            known = list(current.get("reservation_ids", []))
            return {**current, "reservation_ids": known + [r for r in reservation_ids if r not in known]}

        stored = self._store.update(ORDERS, order_id, change)
        assert stored is not None
        return stored

    def find(self, *, status: str | None = None, customer: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Matching orders, newest first."""
        where: dict[str, Any] = {}
        wanted = _status("status", status)
        if wanted is not None:
            where["status"] = wanted.value
        if customer is not None:
            where["customer"] = checks.text("customer", customer, max_length=100)
        rows = self._store.list(ORDERS, where=where)
        return rows[-checks.limit(limit) :][::-1]

    def audit(self, order_id: str | None = None, *, limit: int = 100) -> list[dict[str, Any]]:
        """Audit entries, newest first; of one order when ``order_id`` is given."""
        where = {"order_id": order_id} if order_id is not None else None
        rows = self._store.list(AUDIT, where=where)
        return rows[-checks.limit(limit) :][::-1]

    def stats(self) -> dict[str, Any]:
        orders = self._store.list(ORDERS)
        by_status = {s.value: 0 for s in OrderStatus}
        for order in orders:
            by_status[order["status"]] = by_status.get(order["status"], 0) + 1
        kept = [o for o in orders if o["status"] in (OrderStatus.CONFIRMED, OrderStatus.FULFILLED)]
        revenue = round(sum(o["total"] for o in kept), 2)
        return {
            "total": len(orders),
            "by_status": by_status,
            "revenue": revenue,
            "average_order_value": round(revenue / len(kept), 2) if kept else 0.0,
            "cancellation_rate": round(by_status[OrderStatus.CANCELLED] / len(orders), 4) if orders else 0.0,
            "customers": len({o["customer"] for o in orders}),
        }

    def _move(self, order_id: str, to: OrderStatus, reason: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        now = self._clock.now()
        seen: list[OrderStatus] = []

        def change(current: dict[str, Any] | None) -> dict[str, Any] | None:
            if current is None:
                raise NotFoundError("order", order_id)
            before = OrderStatus(current["status"])
            if before is to and all(current.get(k) == v for k, v in fields.items()):
                return None  # a repeat of the move that got it here
            if to not in TRANSITIONS[before]:
                raise ConflictError(f"order {order_id} is {before.value}; it cannot become {to.value}")
            seen.append(before)
            return {**current, **fields, "status": to.value, "updated_at": now}

        stored = self._store.update(ORDERS, order_id, change)
        assert stored is not None
        if seen:
            self._audit(order_id, seen[-1], to, reason)
        return stored

    def _audit(self, order_id: str, before: OrderStatus | None, after: OrderStatus, reason: str) -> None:
        entry_id = self._ids("AUD")
        self._store.put(
            AUDIT,
            entry_id,
            {
                "id": entry_id,
                "order_id": order_id,
                "from_status": before.value if before else None,
                "to_status": after.value,
                "reason": reason,
                "at": self._clock.now(),
            },
        )
