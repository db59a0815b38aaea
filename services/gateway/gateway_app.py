"""The gateway as a Ray Serve application: the order pipeline over DeploymentHandles.

Routes (prefix ``/gateway``): POST /api/orders, GET /api/services/deep-health,
GET /api/gateway/stats, GET /api/gateway/requests. Handle methods: ``place_order``,
``deep_health``, ``gateway_stats``, ``recent_requests`` (+ ``apply_faults``, ``whoami``, ``health``).
Every call to a service goes through that edge's guard chain (``gateway-><service>``); only
calls that are safe to repeat are marked idempotent, so a failed one is retried, on whichever
replica Serve picks: creating the order (under the request's idempotency key), capturing the
payment (one per order), reserving stock (one per order and lines), confirming or cancelling, and
the receipt (one per order). Every request has an idempotency key: the client's
(``Idempotency-Key`` header or ``idempotency_key``), else one of its own; a client's repeat with
its key answers the same order, and the answer carries the key in ``Idempotency-Key``. A
synthetic order (``X-AREF-Synthetic: 1``, the prober's) calls every service as synthetic too and
stays out of the request log.

The gateway's degradation tier (pulled each tick) shapes ``POST /api/orders``: from minimal on
the pipeline skips the receipt; in emergency new orders are refused with 503 and ``Retry-After``
(``GatewayArgs.retry_after_s``) before any service is called. The flag ``gateway.receipts`` off
skips the receipt too (no call to notifications); ``gateway.analytics`` off keeps no request log.
With ``AREF_BARE_DATA_PLANE`` (benchmarks only) calls bypass the guards and no request log is kept.
"""

import asyncio
import dataclasses
import time
import uuid
from typing import Any, Literal

from fastapi import Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application

from aref.absorption.degradation import NEW_ORDERS, ORDER_RECEIPTS
from aref.config import load_settings
from services.base.checks import IDEMPOTENCY_KEY_PATTERN, MAX_AMOUNT
from services.base.envelope import Envelope
from services.base.faults import FaultDraw
from services.base.guards import GuardPolicy
from services.base.replica import ServiceReplica, create_api, parse, respond
from services.base.synthetic import is_synthetic
from services.gateway.pipeline import RECEIPTS_FLAG, Pipeline, receipt_skip, refused_order
from services.gateway.request_log import RequestLog

DOWNSTREAM = ("orders", "payments", "inventory", "notifications")


class GatewayArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    edge_timeout_s: float = Field(5.0, gt=0, le=60)
    receipt_timeout_s: float = Field(
        1.0, gt=0, le=60, description="bound on the optional receipt call; sent once, never retried (not idempotent)"
    )
    retries: int = Field(1, ge=0, le=3)
    backoff_s: float = Field(0.05, ge=0, le=5)
    recent_requests: int = Field(200, ge=1, le=10_000)
    health_timeout_s: float = Field(2.0, gt=0, le=30)
    retry_after_s: int = Field(10, ge=1, le=3600)


class Item(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: float = Field(ge=0.01, le=MAX_AMOUNT)


class PlaceOrder(BaseModel):
    customer: str = Field(min_length=1, max_length=100)
    items: list[Item] = Field(min_length=1, max_length=50)
    currency: str = Field("USD", min_length=3, max_length=3)
    channel: Literal["email", "sms", "push", "webhook"] = "email"
    recipient: str | None = Field(None, min_length=1, max_length=200)
    priority: Literal["low", "normal", "high", "critical"] = "normal"
    idempotency_key: str | None = Field(
        None, pattern=IDEMPOTENCY_KEY_PATTERN, description="a repeat with the same key answers the same order"
    )


class PipelineAnswer(BaseModel):
    """What ``POST /api/orders`` answers: the pipeline's parts and steps, and the error of a failed order."""

    model_config = ConfigDict(extra="allow")
    status: str = Field(description="completed, failed, or refused (a tier refuses new orders)")
    pipeline: dict[str, Any] | None = None
    error: str | None = None


class ErrorAnswer(BaseModel):
    model_config = ConfigDict(extra="allow")
    error: str
    field: str | None = None


ORDER_ANSWERS: dict[int | str, dict[str, Any]] = {
    201: {"model": PipelineAnswer, "description": "the order went through the pipeline"},
    **{
        code: {"model": PipelineAnswer, "description": why}
        for code, why in (
            (404, "a step's service does not know an item (e.g. an unknown SKU)"),
            (409, "a step was refused in the current state (e.g. insufficient stock)"),
            (429, "a rate limiter refused a step"),
            (502, "the payment failed at every provider"),
            (503, "a step's service shed it, or new orders are refused (Retry-After)"),
            (504, "a step timed out"),
        )
    },
    422: {"model": ErrorAnswer, "description": "the request is invalid; field names what"},
}


class HandleShop:
    """The shop reached through DeploymentHandles, each call guarded by its edge's chain."""

    def __init__(self, replica: ServiceReplica) -> None:
        self._runtime = replica.runtime
        self._handles = {name: serve.get_deployment_handle(name, app_name=name) for name in DOWNSTREAM}

    async def create_order(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("orders", "create_order", payload, idempotent="idempotency_key" in payload)

    async def confirm_order(self, order_id: str, payment_id: str) -> Envelope:
        return await self._call("orders", "confirm_order", order_id, payment_id, idempotent=True)

    async def cancel_order(self, order_id: str, reason: str) -> Envelope:
        return await self._call("orders", "cancel_order", order_id, reason, idempotent=True)

    async def process_payment(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("payments", "process_payment", payload, idempotent=True)

    async def refund_payment(self, payment_id: str, reason: str) -> Envelope:
        return await self._call("payments", "refund_payment", payment_id, reason)

    async def reserve_stock(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("inventory", "reserve_stock", payload, idempotent=True)

    async def send_notification(self, payload: dict[str, Any]) -> Envelope:
        return await self._call("notifications", "send_notification", payload, idempotent="idempotency_key" in payload)

    async def health_of(self, service: str, timeout_s: float) -> dict[str, Any]:
        """A service's health without the guards (a probe must not trip breakers)."""
        started = time.perf_counter()
        try:
            body = await asyncio.wait_for(self._handles[service].health.remote(), timeout_s)
        except Exception as exc:
            body = {"status": "unreachable", "error": f"{type(exc).__name__}: {exc}"[:300]}
        return {**body, "latency_ms": round((time.perf_counter() - started) * 1000.0, 3)}

    async def _call(self, service: str, method: str, *args: Any, idempotent: bool = False) -> Envelope:
        handle = self._handles[service]

        async def invoke() -> Envelope:
            if is_synthetic():
                return Envelope.from_dict(await handle.synthetic.remote(method, *args))
            return Envelope.from_dict(await getattr(handle, method).remote(*args))

        if self._runtime.settings.bare_data_plane:
            return await invoke()
        return await self._runtime.guards[service].call(invoke, idempotent=idempotent)


api = create_api("AREF gateway")
IDEMPOTENCY_KEY = Header(None, alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY_PATTERN)


@serve.deployment(name="gateway", ray_actor_options={"num_cpus": 0.05}, health_check_period_s=1)
@serve.ingress(api)
class GatewayService(ServiceReplica):
    def __init__(self, args: dict[str, Any] | None = None) -> None:
        options = GatewayArgs.model_validate(args or {})
        self.options = options
        settings = load_settings()
        policy = GuardPolicy.from_settings(
            settings.absorption, timeout_s=options.edge_timeout_s, retries=options.retries, backoff_s=options.backoff_s
        )
        receipts = dataclasses.replace(policy, timeout_s=options.receipt_timeout_s, retries=0)
        super().__init__(
            "gateway",
            settings=settings,
            guard_policy=policy,
            edge_policies={"notifications": receipts},  # a slow notifications service must not hold an order
            downstream=DOWNSTREAM,
        )
        self.log = RequestLog(options.recent_requests)
        self.shop = HandleShop(self)

    async def place_order(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Run the order pipeline: ``{order, payment, stock, notification, status, pipeline}``."""
        return (await self._place(payload)).to_dict()

    async def deep_health(self) -> dict[str, Any]:
        probes = await asyncio.gather(*(self.shop.health_of(s, self.options.health_timeout_s) for s in DOWNSTREAM))
        services = {"gateway": self.runtime.health(), **dict(zip(DOWNSTREAM, probes, strict=True))}
        states = {body.get("status") for body in services.values()}
        overall = "unhealthy" if "unreachable" in states else "degraded" if "degraded" in states else "healthy"
        return {"status": overall, "services": services}

    async def gateway_stats(self) -> dict[str, Any]:
        return {
            **self.log.stats(),
            "replica_id": self.runtime.identity.replica_id,
            "edges": {g.edge: g.snapshot() for g in self.runtime.guards.values()},
        }

    async def recent_requests(self, limit: int = 50) -> dict[str, Any]:
        found = self.log.recent(limit)
        return {"requests": found, "count": len(found)}

    @api.post("/api/orders", status_code=201, response_model=None, responses=ORDER_ANSWERS)
    async def http_place(self, body: PlaceOrder, key: str | None = IDEMPOTENCY_KEY) -> JSONResponse:
        payload = body.model_dump()
        return respond(await self._place({**payload, "idempotency_key": key or payload["idempotency_key"]}))

    @api.get("/api/services/deep-health")
    async def http_deep_health(self) -> JSONResponse:
        body = await self.deep_health()
        return JSONResponse(body, status_code=503 if body["status"] == "unhealthy" else 200)

    @api.get("/api/gateway/stats")
    async def http_stats(self) -> dict[str, Any]:
        return await self.gateway_stats()

    @api.get("/api/gateway/requests")
    async def http_requests(self, limit: int = Query(50, ge=1, le=10_000)) -> dict[str, Any]:
        return await self.recent_requests(limit)

    async def _place(self, payload: Any) -> Envelope:
        started = time.perf_counter()

        async def place(_: FaultDraw) -> Envelope:
            request = parse(PlaceOrder, payload)
            key = request.idempotency_key or f"gw-{uuid.uuid4().hex}"  # a key of its own: steps may be retried
            control = self.runtime.control
            if not control.feature_on(NEW_ORDERS):
                self.runtime.skip(NEW_ORDERS)
                return refused_order(control.tier.value, self.options.retry_after_s)
            tier_allows, flag_on = control.feature_on(ORDER_RECEIPTS), control.flag_on("gateway", RECEIPTS_FLAG)
            skip = receipt_skip(tier_allows, flag_on, control.tier.value)
            if skip is not None:
                self.runtime.skip(skip[0])
            pipeline = Pipeline(self.shop, skip_receipt=skip[1] if skip is not None else None)
            done = await pipeline.run({**request.model_dump(), "idempotency_key": key})
            return dataclasses.replace(done, headers={**done.headers, "Idempotency-Key": key})

        envelope = await self.runtime.run_async("place_order", place)
        logged = self.runtime.control.flag_on("gateway", "analytics") and not self.runtime.settings.bare_data_plane
        if is_synthetic() or not logged:
            return envelope  # the request log is the gateway's analytics
        body = envelope.body if isinstance(envelope.body, dict) else {}
        order = body.get("order") if isinstance(body.get("order"), dict) else None
        self.log.record(
            self.clock.now(),
            "POST /api/orders",
            envelope.status,
            (time.perf_counter() - started) * 1000.0,
            outcome=body.get("status"),
            order_id=order["id"] if order else None,
        )
        return envelope


def app(args: GatewayArgs) -> Application:
    """Builder for serve_config.yaml: ``import_path: services.gateway.gateway_app:app``."""
    options = args if isinstance(args, GatewayArgs) else GatewayArgs.model_validate(args or {})
    application: Application = GatewayService.bind(options.model_dump())  # type: ignore[attr-defined]
    return application
