"""Payments as a Ray Serve application: the ledger behind HTTP routes and handle methods.

Routes (prefix ``/payments``): POST /payments/process, GET /payments, GET /payments/{id},
POST /payments/{id}/refund, POST /payments/settle, GET /payments/providers/health,
POST /payments/providers/reset, GET /payments/stats/summary. Handle methods:
``process_payment``, ``refund_payment``, ``get_payment`` (+ ``apply_faults``, ``whoami``, ``health``).

An error fault on this service hits provider attempts, not whole requests: each attempt
draws its own fate, so failover is exercised; a payment no provider captured answers 502.
A fault targeting one provider (``provider: stripe-sim``) hits only the attempts at that provider.
Provider routing follows adaptation's traffic weights for ``payments`` (routes == providers).
The payments' degradation tier refuses, with 503 and ``Retry-After`` (``PaymentsArgs.retry_after_s``),
the operations of ``TIER_GATES``: the summary and the settlement batch from reduced, the listing
from minimal. Processing, refunding and getting a payment (the order pipeline's core, kept for orders
already accepted in emergency too) and the providers' health and reset (an operator's remedy) always run.
"""

import random
from typing import Any

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application

from aref.absorption.degradation import PAYMENT_LISTINGS, PAYMENT_REPORTS, PAYMENT_SETTLEMENT
from services.base.admin import ADMIN
from services.base.checks import MAX_AMOUNT
from services.base.envelope import Envelope
from services.base.faults import FaultDraw
from services.base.replica import ServiceReplica, create_api, parse, respond
from services.payments.ledger import PaymentLedger
from services.payments.providers import ProviderBoard, ProviderPolicy

TIER_GATES = {
    "payment_stats": PAYMENT_REPORTS,
    "settle": PAYMENT_SETTLEMENT,
    "list_payments": PAYMENT_LISTINGS,
}
"""Operation -> the tier feature it needs (``ReplicaRuntime.gate``)."""


class PaymentsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider_failure_threshold: int = Field(3, ge=1, le=100)
    provider_cooldown_s: float = Field(30.0, gt=0, le=3600)
    retry_after_s: int = Field(10, ge=1, le=3600)


class ProcessPayment(BaseModel):
    order_id: str = Field(min_length=1, max_length=64)
    amount: float = Field(ge=0.01, le=MAX_AMOUNT)
    currency: str = Field("USD", min_length=3, max_length=3)


class Refund(BaseModel):
    amount: float | None = Field(None, ge=0.01, le=MAX_AMOUNT)
    reason: str = Field("refund requested", max_length=200)


class ResetProviders(BaseModel):
    provider: str | None = None


api = create_api("AREF payments")


@serve.deployment(name="payments", ray_actor_options={"num_cpus": 0.05}, health_check_period_s=1)
@serve.ingress(api)
class PaymentsService(ServiceReplica):
    def __init__(self, args: dict[str, Any] | None = None, **replica: Any) -> None:
        """``replica``: the base's parts (settings, link, clock, store, identity) where Serve gives none (tests)."""
        options = PaymentsArgs.model_validate(args or {})
        super().__init__("payments", **replica)
        self.runtime.gate(TIER_GATES, options.retry_after_s)
        policy = ProviderPolicy(options.provider_failure_threshold, options.provider_cooldown_s)
        self.ledger = PaymentLedger(self.store, self.clock, ProviderBoard(self.store, self.clock, policy=policy))

    async def process_payment(self, payload: dict[str, Any]) -> dict[str, Any]:
        return (await self._process(payload)).to_dict()

    async def refund_payment(self, payment_id: str, reason: str, amount: float | None = None) -> dict[str, Any]:
        return (await self._refund(payment_id, Refund(amount=amount, reason=reason))).to_dict()

    async def get_payment(self, payment_id: str) -> dict[str, Any]:
        return (await self.runtime.run("get_payment", lambda _: self.ledger.get(payment_id))).to_dict()

    @api.post("/process")
    async def http_process(self, body: ProcessPayment) -> JSONResponse:
        return respond(await self._process(body.model_dump()))

    @api.get("/")
    async def http_list(
        self, order_id: str | None = None, status: str | None = None, limit: int = Query(100, ge=1, le=1000)
    ) -> JSONResponse:
        def find(_: object) -> dict[str, Any]:
            payments = self.ledger.find(order_id=order_id, status=status, limit=limit)
            return {"payments": payments, "count": len(payments)}

        return respond(await self.runtime.run("list_payments", find))

    @api.post("/settle", tags=[ADMIN])
    async def http_settle(self) -> JSONResponse:
        return respond(await self.runtime.run("settle", lambda _: self.ledger.settle()))

    @api.get("/providers/health")
    async def http_providers(self) -> JSONResponse:
        def providers(_: object) -> dict[str, Any]:
            return {"providers": self.ledger.providers.all(), "traffic": dict(self.runtime.control.traffic)}

        return respond(await self.runtime.run("providers_health", providers))

    @api.post("/providers/reset", tags=[ADMIN])
    async def http_reset(self, body: ResetProviders | None = None) -> JSONResponse:
        name = (body or ResetProviders()).provider
        return respond(
            await self.runtime.run("providers_reset", lambda _: {"providers": self.ledger.providers.reset(name)})
        )

    @api.get("/stats/summary")
    async def http_stats(self) -> JSONResponse:
        return respond(await self.runtime.run("payment_stats", lambda _: self.ledger.stats()))

    @api.get("/{payment_id}")
    async def http_get(self, payment_id: str) -> JSONResponse:
        return respond(await self.runtime.run("get_payment", lambda _: self.ledger.get(payment_id)))

    @api.post("/{payment_id}/refund")
    async def http_refund(self, payment_id: str, body: Refund | None = None) -> JSONResponse:
        return respond(await self._refund(payment_id, body or Refund()))

    async def _process(self, payload: Any) -> Envelope:
        def process(draw: FaultDraw) -> Envelope:
            request = parse(ProcessPayment, payload)
            payment = self.ledger.process(
                request.order_id,
                request.amount,
                currency=request.currency,
                traffic=self.runtime.control.traffic,
                u=random.random(),
                provider_fails=draw.fails_on,
            )
            if payment["status"] == "failed":
                return Envelope(502, payment)
            return Envelope(201, payment)

        return await self.runtime.run("process_payment", process, absorb_errors=True)

    async def _refund(self, payment_id: str, body: Refund) -> Envelope:
        def refund(_: object) -> dict[str, Any]:
            return self.ledger.refund(payment_id, body.amount, reason=body.reason)

        return await self.runtime.run("refund_payment", refund)


def app(args: PaymentsArgs) -> Application:
    """Builder for serve_config.yaml: ``import_path: services.payments.payments_app:app``."""
    options = args if isinstance(args, PaymentsArgs) else PaymentsArgs.model_validate(args or {})
    application: Application = PaymentsService.bind(options.model_dump())  # type: ignore[attr-defined]
    return application
