"""The stockroom: catalog, stock levels, reservations with a TTL, and a movements log.

Per SKU (collection ``stock``): ``on_hand`` units and ``reserved`` units, with
``0 <= reserved <= on_hand``; ``available = on_hand - reserved``. A reservation
(collection ``reservations``) is ``held`` until it is released, committed (the units leave
``on_hand``) or expires; an expired reservation gives its units back on the next touch of
its SKU (reserve, stock read) or on ``sweep``, found through the index of holds by expiry
(``holds.py``), so a touch reads the due holds only and an order costs the same however many
reservations are held. Every state change of a reservation is one
atomic ``Store.update`` that decides who returns the units, so an expiry and a release racing
on two replicas return them once. Every stock change appends to ``stock_movements``. With a
``RestockPolicy`` a reservation that leaves a SKU low orders more units (a long demo never runs dry),
unless the caller defers restocking (``defer_restock``, the degradation tier's ``stock_restock``):
then the next reservation of that SKU that restocks orders them.

Reserving for an order is safe to repeat: the first call claims the order
(``reservation_orders``, one atomic ``Store.update``), and a repeat answers the reservations the
claim made. While the claimer is still reserving, a repeat is ``BusyError`` (503, retry); a claim
left ``reserving`` for ``STALE_CLAIM_S`` (its caller died) is taken over: the holds it left are
released and the lines reserved again, so an order never holds its units twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aref.clock import Clock
from aref.errors import BusyError, ConflictError, InvalidInputError, NotFoundError
from aref.store import Store
from services.base import checks
from services.base.checks import DEFAULT_IDS, IdFactory
from services.inventory.holds import Holds

STOCK = "stock"
RESERVATIONS = "reservations"
MOVEMENTS = "stock_movements"
CLAIMS = "reservation_orders"
STALE_CLAIM_S = 10.0
DEFAULT_TTL_S = 900.0
MAX_TTL_S = 86_400.0
LOW_STOCK = 5


def claim_key(order_id: str, lines: Iterable[tuple[str, int]]) -> str:
    """The claim of one order's reservation of these ``(sku, quantity)`` lines, in any order."""
    return f"{order_id}:{sorted(lines)}"


@dataclass(frozen=True)
class RestockPolicy:
    """After a reservation leaves fewer than ``below`` units available, order ``quantity`` more."""

    below: int
    quantity: int

    def __post_init__(self) -> None:
        if self.below < 1 or self.quantity < 1:
            raise InvalidInputError("restock", "below and quantity must be >= 1")


class Stockroom:
    def __init__(
        self, store: Store, clock: Clock, ids: IdFactory = DEFAULT_IDS, *, restock: RestockPolicy | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._holds = Holds(store)
        self.restock = restock

    def ensure_catalog(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Add the SKUs that do not exist yet (``{sku, name, price, on_hand}``); returns how many were added."""
        created: list[str] = []
        for item in items:
            sku = checks.text("sku", item.get("sku"), max_length=64)
            record = {
                "sku": sku,
                "name": checks.text("name", item.get("name", sku)),
                "price": checks.amount("price", item.get("price")),
                "on_hand": checks.count("on_hand", item.get("on_hand", 0), minimum=0),
                "reserved": 0,
            }

            def create(current: dict[str, Any] | None, new: dict[str, Any] = record) -> dict[str, Any] | None:
                if current is not None:
                    return None
                created.append(new["sku"])
                return new

            self._store.update(STOCK, sku, create)
        return len(created)

    def catalog(self) -> list[dict[str, Any]]:
        self.sweep()
        return [self._view(s) for s in self._store.list(STOCK)]

    def stock(self, sku: str) -> dict[str, Any]:
        self._expire_due(sku)
        return self._view(self._require(sku))

    def index_holds(self) -> int:
        """Put every held reservation in the index of holds (once at start: a store written before the
        index existed has holds that would otherwise never expire); returns how many are held."""
        return self._holds.rebuild(self._store.list(RESERVATIONS, where={"status": "held"}))

    def reserve(
        self,
        order_id: str,
        items: Sequence[Mapping[str, Any]],
        *,
        ttl_s: float = DEFAULT_TTL_S,
        defer_restock: Callable[[str], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Hold units of every line (``{sku, quantity}``) for ``order_id``: all lines or none.

        With ``defer_restock`` a SKU left low orders no restock; the callable is told the SKU instead."""
        order = checks.text("order_id", order_id, max_length=64)
        if isinstance(ttl_s, bool) or not isinstance(ttl_s, (int, float)) or not 0 < ttl_s <= MAX_TTL_S:
            raise InvalidInputError("ttl_s", f"must be > 0 and <= {MAX_TTL_S:g}")
        if not items:
            raise InvalidInputError("items", "must not be empty")
        lines = [
            (
                checks.text(f"items.{i}.sku", item.get("sku"), max_length=64),
                checks.count(f"items.{i}.quantity", item.get("quantity")),
            )
            for i, item in enumerate(items)
        ]
        attempt = uuid.uuid4().hex
        key = claim_key(order, lines)
        earlier = self._claim(key, order, attempt)
        if earlier is not None:
            return earlier
        held: list[dict[str, Any]] = []
        try:
            for sku, quantity in lines:
                held.append(self._reserve_one(order, sku, quantity, float(ttl_s), defer_restock))
        except BaseException:
            for reservation in held:
                self.release(reservation["id"], reason="rolled back: another line failed")
            self._store.delete(CLAIMS, key)
            raise
        done = {"attempt": attempt, "status": "held", "at": self._clock.now(), "ids": [r["id"] for r in held]}
        self._store.put(CLAIMS, key, done)
        return held

    def _claim(self, key: str, order_id: str, attempt: str) -> list[dict[str, Any]] | None:
        """Claim ``key`` (an order and its lines) for ``attempt``; the reservations of an earlier,
        finished claim to replay. Taking over a stale claim releases what its attempt held."""
        now = self._clock.now()
        stale: list[float] = []

        def change(current: dict[str, Any] | None) -> dict[str, Any] | None:
            if current is not None and current["status"] == "held":
                return None
            if current is not None and now - current["at"] < STALE_CLAIM_S:
                raise BusyError(f"stock for order {order_id} is being reserved by another request")
            if current is not None:
                stale.append(current["at"])
            return {"attempt": attempt, "status": "reserving", "at": now, "ids": []}

        claim = self._store.update(CLAIMS, key, change)
        assert claim is not None
        if claim["attempt"] != attempt:
            return [self.reservation(r) for r in claim["ids"]]
        for left in self._store.list(RESERVATIONS, where={"order_id": order_id, "status": "held"}) if stale else []:
            if left["created_at"] >= stale[0]:
                self.release(left["id"], reason="taken over: its request died before finishing")
        return None

    def release(self, reservation_id: str, *, reason: str = "released") -> dict[str, Any]:
        reservation = self._end(reservation_id, "released", sweep_on_conflict=True)
        self._unreserve(reservation, "release", reason)
        return reservation

    def commit(self, reservation_id: str) -> dict[str, Any]:
        """The units were shipped: they leave ``on_hand`` and the reservation ends as ``committed``."""
        reservation = self._end(reservation_id, "committed", sweep_on_conflict=True)
        qty = reservation["quantity"]
        self._change_stock(reservation["sku"], on_hand=-qty, reserved=-qty)
        self._move(reservation["sku"], "commit", -qty, "shipped", reservation["id"])
        return reservation

    def reservation(self, reservation_id: str) -> dict[str, Any]:
        found = self._store.get(RESERVATIONS, reservation_id)
        if found is None:
            raise NotFoundError("reservation", reservation_id)
        return found

    def replenish(self, sku: str, quantity: int, *, reason: str = "replenished") -> dict[str, Any]:
        qty = checks.count("quantity", quantity)
        stock = self._change_stock(sku, on_hand=qty)
        self._move(sku, "replenish", qty, reason, None)
        return self._view(stock)

    def adjust(self, sku: str, delta: int, reason: str) -> dict[str, Any]:
        """Correct ``on_hand`` by ``delta`` (may be negative, never below what is reserved)."""
        why = checks.text("reason", reason)
        if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
            raise InvalidInputError("delta", "must be a non-zero integer")
        stock = self._change_stock(sku, on_hand=delta)
        self._move(sku, "adjust", delta, why, None)
        return self._view(stock)

    def sweep(self) -> int:
        """Expire every held reservation past its TTL; returns how many expired."""
        return sum(self._expire_due(stock["sku"]) for stock in self._store.list(STOCK))

    def movements(self, *, sku: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Stock movements, newest first."""
        where = {"sku": sku} if sku is not None else None
        return self._store.list(MOVEMENTS, where=where)[-checks.limit(limit) :][::-1]

    def stats(self) -> dict[str, Any]:
        stock = self.catalog()
        reservations = self._store.list(RESERVATIONS)
        by_status: dict[str, int] = dict.fromkeys(("held", "released", "committed", "expired"), 0)
        for reservation in reservations:
            by_status[reservation["status"]] += 1
        return {
            "skus": len(stock),
            "on_hand": sum(s["on_hand"] for s in stock),
            "reserved": sum(s["reserved"] for s in stock),
            "available": sum(s["available"] for s in stock),
            "low_stock": [s["sku"] for s in stock if s["available"] < LOW_STOCK],
            "reservations": by_status,
            "movements": len(self._store.list(MOVEMENTS)),
        }

    def _reserve_one(
        self, order_id: str, sku: str, quantity: int, ttl_s: float, defer_restock: Callable[[str], None] | None
    ) -> dict[str, Any]:
        self._expire_due(sku)  # touch: expired holds on this SKU give their units back first

        def change(current: dict[str, Any] | None) -> dict[str, Any]:
            if current is None:
                raise NotFoundError("sku", sku)
            available = current["on_hand"] - current["reserved"]
            if quantity > available:
                raise ConflictError(f"insufficient stock for {sku}: {quantity} wanted, {available} available")
            return {**current, "reserved": current["reserved"] + quantity}

        stock = self._store.update(STOCK, sku, change)
        assert stock is not None
        now = self._clock.now()
        reservation: dict[str, Any] = {
            "id": self._ids("RSV"),
            "order_id": order_id,
            "sku": sku,
            "quantity": quantity,
            "status": "held",
            "created_at": now,
            "expires_at": now + ttl_s,
            "ended_at": None,
        }
        self._holds.add(reservation)  # first: an index entry without its reservation is dropped when due
        self._store.put(RESERVATIONS, reservation["id"], reservation)
        self._move(sku, "reserve", quantity, f"order {order_id}", reservation["id"])
        if self.restock is not None and stock["on_hand"] - stock["reserved"] < self.restock.below:
            if defer_restock is not None:
                defer_restock(sku)
            else:
                self.replenish(sku, self.restock.quantity, reason="auto restock")
        return reservation

    def _end(self, reservation_id: str, status: str, *, sweep_on_conflict: bool) -> dict[str, Any]:
        """Move a held reservation to ``status``; a reservation no longer held is a conflict."""
        now = self._clock.now()

        def change(current: dict[str, Any] | None) -> dict[str, Any]:
            if current is None:
                raise NotFoundError("reservation", reservation_id)
            if current["status"] == "held" and status != "expired" and now >= current["expires_at"]:
                raise ConflictError(f"reservation {reservation_id} expired at {current['expires_at']}")
            if current["status"] != "held":
                raise ConflictError(f"reservation {reservation_id} is already {current['status']}")
            return {**current, "status": status, "ended_at": now}

        try:
            stored = self._store.update(RESERVATIONS, reservation_id, change)
        except ConflictError:
            if sweep_on_conflict:
                self.sweep()
            raise
        assert stored is not None
        self._holds.remove(stored)
        return stored

    def _expire_due(self, sku: str) -> int:
        """Expire the held reservations of ``sku`` past their TTL, read from the index of holds."""
        now = self._clock.now()
        expired = 0
        for entry in self._holds.due(sku, now):
            reservation = self._store.get(RESERVATIONS, entry["reservation_id"])
            if reservation is None or reservation["status"] != "held":
                self._holds.drop(entry)
                continue
            if now < reservation["expires_at"]:
                continue
            try:
                ended = self._end(reservation["id"], "expired", sweep_on_conflict=False)
            except ConflictError:
                continue  # another replica ended it first and returned the units
            self._unreserve(ended, "expire", "reservation expired")
            expired += 1
        return expired

    def _unreserve(self, reservation: Mapping[str, Any], kind: str, reason: str) -> None:
        self._change_stock(reservation["sku"], reserved=-reservation["quantity"])
        self._move(reservation["sku"], kind, reservation["quantity"], reason, reservation["id"])

    def _change_stock(self, sku: str, *, on_hand: int = 0, reserved: int = 0) -> dict[str, Any]:
        def change(current: dict[str, Any] | None) -> dict[str, Any]:
            if current is None:
                raise NotFoundError("sku", sku)
            new_on_hand, new_reserved = current["on_hand"] + on_hand, max(0, current["reserved"] + reserved)
            if new_on_hand < new_reserved:
                raise ConflictError(f"{sku}: on hand would drop to {new_on_hand}, below the {new_reserved} reserved")
            return {**current, "on_hand": new_on_hand, "reserved": new_reserved}

        stored = self._store.update(STOCK, sku, change)
        assert stored is not None
        return stored

    def _require(self, sku: str) -> dict[str, Any]:
        found = self._store.get(STOCK, sku)
        if found is None:
            raise NotFoundError("sku", sku)
        return found

    def _move(self, sku: str, kind: str, quantity: int, reason: str, reservation_id: str | None) -> None:
        movement_id = self._ids("MOV")
        self._store.put(
            MOVEMENTS,
            movement_id,
            {
                "id": movement_id,
                "sku": sku,
                "kind": kind,
                "quantity": quantity,
                "reason": reason,
                "reservation_id": reservation_id,
                "at": self._clock.now(),
            },
        )

    @staticmethod
    def _view(stock: Mapping[str, Any]) -> dict[str, Any]:
        return {**stock, "available": stock["on_hand"] - stock["reserved"]}
