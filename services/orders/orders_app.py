"""Orders as a Ray Serve application: the order book behind HTTP routes and handle methods.

Routes (the app's route prefix is ``/orders``, so external paths equal the seed's): POST /orders,
GET /orders, GET /orders/{id}, POST /orders/{id}/confirm | cancel | fulfill,
GET /orders/audit/log, GET /orders/stats/summary. Handle methods (for the gateway):
``create_order``, ``confirm_order``, ``cancel_order``, ``get_order``, plus the base's
``apply_faults``, ``whoami`` and ``health``; each returns an ``Envelope.to_dict()``.

The orders' degradation tier (pulled each tick) refuses, with 503 and ``Retry-After``
(``OrdersArgs.retry_after_s``), the operations of ``TIER_GATES``: the summary from reduced, the
listing, the audit log and fulfilment from minimal, new orders in emergency. Getting, confirming
and cancelling an order (what the gateway's pipeline needs for orders already accepted) always run.
Creating, confirming and cancelling are safe to repeat: an order created with an idempotency key
(body ``idempotency_key`` or header ``Idempotency-Key``) is answered again, with 200, to every
repeat of that key, and a repeated confirm or cancel answers the order unchanged.
"""

from typing import Any

from fastapi import Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application

from aref.absorption.degradation import NEW_ORDERS, ORDER_FULFILMENT, ORDER_LISTINGS, ORDER_REPORTS
from services.base.admin import ADMIN
from services.base.checks import IDEMPOTENCY_KEY_PATTERN, MAX_AMOUNT
from services.base.envelope import Envelope
from services.base.replica import ServiceReplica, create_api, parse, respond
from services.orders.book import OrderBook

TIER_GATES = {
    "order_stats": ORDER_REPORTS,
    "list_orders": ORDER_LISTINGS,
    "audit_log": ORDER_LISTINGS,
    "fulfill_order": ORDER_FULFILMENT,
    "create_order": NEW_ORDERS,
}
"""Operation -> the tier feature it needs (``ReplicaRuntime.gate``)."""
IDEMPOTENCY_KEY = Header(None, alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY_PATTERN)


class OrdersArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retry_after_s: int = Field(10, ge=1, le=3600)


class Line(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: float = Field(ge=0.01, le=MAX_AMOUNT)


class CreateOrder(BaseModel):
    customer: str = Field(min_length=1, max_length=100)
    items: list[Line] = Field(min_length=1, max_length=50)
    currency: str = Field("USD", min_length=3, max_length=3)
    idempotency_key: str | None = Field(
        None, pattern=IDEMPOTENCY_KEY_PATTERN, description="a repeat with the same key answers the same order (200)"
    )


class Confirm(BaseModel):
    payment_id: str | None = Field(None, max_length=64)
    reason: str = Field("confirmed", max_length=200)


class Cancel(BaseModel):
    reason: str = Field("cancelled by request", min_length=1, max_length=200)


api = create_api("AREF orders")


@serve.deployment(name="orders", ray_actor_options={"num_cpus": 0.05}, health_check_period_s=1)
@serve.ingress(api)
class OrdersService(ServiceReplica):
    def __init__(self, args: dict[str, Any] | None = None, **replica: Any) -> None:
        """``replica``: the base's parts (settings, link, clock, store, identity) where Serve gives none (tests)."""
        options = OrdersArgs.model_validate(args or {})
        super().__init__("orders", **replica)
        self.runtime.gate(TIER_GATES, options.retry_after_s)
        self.book = OrderBook(self.store, self.clock)

    async def create_order(self, payload: dict[str, Any]) -> dict[str, Any]:
        return (await self._create(payload)).to_dict()

    async def confirm_order(
        self, order_id: str, payment_id: str | None = None, reason: str = "payment captured"
    ) -> dict[str, Any]:
        return (await self._confirm(order_id, Confirm(payment_id=payment_id, reason=reason))).to_dict()

    async def cancel_order(self, order_id: str, reason: str) -> dict[str, Any]:
        return (await self._cancel(order_id, reason)).to_dict()

    async def get_order(self, order_id: str) -> dict[str, Any]:
        return (await self.runtime.run("get_order", lambda _: self.book.get(order_id))).to_dict()

    @api.post("/")
    async def http_create(self, body: CreateOrder, key: str | None = IDEMPOTENCY_KEY) -> JSONResponse:
        payload = body.model_dump()
        return respond(await self._create({**payload, "idempotency_key": key or payload["idempotency_key"]}))

    @api.get("/")
    async def http_list(
        self, status: str | None = None, customer: str | None = None, limit: int = Query(100, ge=1, le=1000)
    ) -> JSONResponse:
        def find(_: object) -> dict[str, Any]:
            orders = self.book.find(status=status, customer=customer, limit=limit)
            return {"orders": orders, "count": len(orders)}

        return respond(await self.runtime.run("list_orders", find))

    @api.get("/audit/log")
    async def http_audit(self, order_id: str | None = None, limit: int = Query(100, ge=1, le=1000)) -> JSONResponse:
        def audit(_: object) -> dict[str, Any]:
            entries = self.book.audit(order_id, limit=limit)
            return {"entries": entries, "count": len(entries)}

        return respond(await self.runtime.run("audit_log", audit))

    @api.get("/stats/summary")
    async def http_stats(self) -> JSONResponse:
        return respond(await self.runtime.run("order_stats", lambda _: self.book.stats()))

    @api.get("/{order_id}")
    async def http_get(self, order_id: str) -> JSONResponse:
        return respond(await self.runtime.run("get_order", lambda _: self.book.get(order_id)))

    @api.post("/{order_id}/confirm")
    async def http_confirm(self, order_id: str, body: Confirm | None = None) -> JSONResponse:
        return respond(await self._confirm(order_id, body or Confirm()))

    @api.post("/{order_id}/cancel")
    async def http_cancel(self, order_id: str, body: Cancel | None = None) -> JSONResponse:
        return respond(await self._cancel(order_id, (body or Cancel()).reason))

    @api.post("/{order_id}/fulfill", tags=[ADMIN])
    async def http_fulfill(self, order_id: str) -> JSONResponse:
        return respond(await self.runtime.run("fulfill_order", lambda _: self.book.fulfill(order_id)))

    async def _create(self, payload: Any) -> Envelope:
        """201 with a new order; 200 with the order an earlier request of the same idempotency key made."""

        def create(_: object) -> Envelope:
            order = parse(CreateOrder, payload)
            lines = [line.model_dump() for line in order.items]
            if order.idempotency_key is None:
                return Envelope(201, self.book.create(order.customer, lines, currency=order.currency))
            made, created = self.book.create_once(order.idempotency_key, order.customer, lines, currency=order.currency)
            return Envelope(201 if created else 200, made)

        return await self.runtime.run("create_order", create)

    async def _confirm(self, order_id: str, body: Confirm) -> Envelope:
        def confirm(_: object) -> dict[str, Any]:
            return self.book.confirm(order_id, payment_id=body.payment_id, reason=body.reason)

        return await self.runtime.run("confirm_order", confirm)

    async def _cancel(self, order_id: str, reason: str) -> Envelope:
        return await self.runtime.run("cancel_order", lambda _: self.book.cancel(order_id, reason=reason))


def app(args: OrdersArgs) -> Application:
    """Builder for serve_config.yaml: ``import_path: services.orders.orders_app:app``."""
    options = args if isinstance(args, OrdersArgs) else OrdersArgs.model_validate(args or {})
    application: Application = OrdersService.bind(options.model_dump())  # type: ignore[attr-defined]
    return application
