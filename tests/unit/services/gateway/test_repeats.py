"""A step whose answer was lost is retried on another replica, and a client repeats a whole order:
the shop still holds one order, one capture, one set of holds and one receipt."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aref.store import MemoryStore
from services.base.envelope import Envelope
from services.gateway.pipeline import Pipeline
from services.inventory.inventory_app import InventoryService
from services.notifications.notifications_app import NotificationsService
from services.orders.orders_app import OrdersService
from services.payments.payments_app import PaymentsService
from tests.unit.services.fakes import serve_free

REQUEST = {
    "customer": "ann",
    "items": [
        {"sku": "SKU-001", "quantity": 2, "unit_price": 10.0},
        {"sku": "SKU-002", "quantity": 1, "unit_price": 5.0},
    ],
    "currency": "USD",
    "channel": "email",
    "recipient": None,
    "priority": "high",
    "idempotency_key": "client-key-1",
}
DEPLOYMENTS = {
    "orders": OrdersService,
    "payments": PaymentsService,
    "inventory": InventoryService,
    "notifications": NotificationsService,
}


class TwoReplicaShop:
    """Two replicas of every service over one store each; a lossy step runs on the first replica,
    whose answer is lost (it died after doing the work), then again on the second (the retry)."""

    def __init__(self, lossy: set[str]) -> None:
        self.lossy = lossy
        self.replicas: dict[str, tuple[Any, ...]] = {}
        for service, deployment in DEPLOYMENTS.items():
            store = MemoryStore()
            self.replicas[service] = (
                serve_free(deployment, service, store=store),
                serve_free(deployment, service, store=store),
            )

    async def _call(self, service: str, step: str, run: Callable[[Any], Awaitable[dict[str, Any]]]) -> Envelope:
        first, second = self.replicas[service]
        if step in self.lossy:
            await run(first)  # the work is done, the answer never arrives
        return Envelope.from_dict(await run(second))

    async def create_order(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("orders", "create_order", lambda r: r.create_order(payload))

    async def confirm_order(self, order_id: str, payment_id: str) -> Envelope:
        return await self._call("orders", "confirm_order", lambda r: r.confirm_order(order_id, payment_id))

    async def cancel_order(self, order_id: str, reason: str) -> Envelope:
        return await self._call("orders", "cancel_order", lambda r: r.cancel_order(order_id, reason))

    async def process_payment(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("payments", "process_payment", lambda r: r.process_payment(payload))

    async def refund_payment(self, payment_id: str, reason: str) -> Envelope:
        return await self._call("payments", "refund_payment", lambda r: r.refund_payment(payment_id, reason))

    async def reserve_stock(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("inventory", "reserve_stock", lambda r: r.reserve_stock(payload))

    async def send_notification(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("notifications", "send_notification", lambda r: r.send_notification(payload))

    def counts(self, order_id: str) -> dict[str, int]:
        orders, payments, inventory, notifications = (self.replicas[s][0] for s in DEPLOYMENTS)
        return {
            "orders": len(orders.book.find(limit=100)),
            "payments": len(payments.ledger.find(order_id=order_id)),
            "holds": len([r for r in inventory.store.list("reservations") if r["order_id"] == order_id]),
            "receipts": len([n for n in notifications.store.list("notifications") if n["order_id"] == order_id]),
        }


def place(shop: TwoReplicaShop, request: dict[str, Any]) -> Envelope:
    return asyncio.run(Pipeline(shop).run(request))


@pytest.mark.parametrize(
    "lossy",
    [
        set(),
        {"create_order"},
        {"process_payment"},
        {"confirm_order"},
        {"reserve_stock"},
        {"send_notification"},
        {"create_order", "process_payment", "confirm_order", "reserve_stock", "send_notification"},
    ],
    ids=lambda lossy: "+".join(sorted(lossy)) or "none",
)
def test_a_retried_step_leaves_one_of_everything(lossy: set[str]) -> None:
    shop = TwoReplicaShop(lossy)
    done = place(shop, REQUEST)

    assert (done.status, done.body["status"]) == (201, "completed"), done.body
    order_id = done.body["order"]["id"]
    assert done.body["order"]["status"] == "confirmed"
    assert shop.counts(order_id) == {"orders": 1, "payments": 1, "holds": 2, "receipts": 1}


def test_a_client_repeat_answers_the_same_order_and_changes_nothing() -> None:
    shop = TwoReplicaShop(set())
    first = place(shop, REQUEST)
    again = place(shop, REQUEST)
    other = place(shop, {**REQUEST, "idempotency_key": "client-key-2"})

    order_id = first.body["order"]["id"]
    assert (again.status, again.body["order"]["id"], again.body["payment"]["id"]) == (
        201,
        order_id,
        first.body["payment"]["id"],
    )
    assert shop.counts(order_id) == {"orders": 2, "payments": 1, "holds": 2, "receipts": 1}
    assert other.body["order"]["id"] != order_id
