"""The order pipeline (seed §4): create order -> process payment -> reserve stock -> send receipt.

Each step is timed and reported as ``{step, status, latency_ms, error?}`` with status ``ok``,
``failed``, ``degraded``, ``shed`` or ``skipped``. Rules:
- order creation fails: nothing else runs; the pipeline fails with that step's status code
  (refused by the orders' tier: the answer stays shed, with its ``Retry-After``).
- payment fails: the order is cancelled, stock and receipt are skipped, the pipeline fails.
  A captured payment confirms the order (a failed confirmation degrades the step).
- stock refused (409 insufficient, 404 unknown SKU, 422): the payment is refunded and the
  order cancelled; the pipeline fails. Inventory unavailable (5xx, guard refusal): the step
  is ``degraded`` and the order stands — it is paid and confirmed, stock is reconciled later.
- the receipt is non-critical: a failure or a shed message never fails the order; with
  ``skip_receipt`` (why: degradation tier minimal or above, or the flag ``gateway.receipts`` off,
  see ``receipt_skip``) it is ``skipped`` with that reason and notifications is not called.
Every step is safe to repeat, so a retried step (on another replica, after one was lost) or a
client's repeat of the whole request never charges, reserves or sends twice: the order is created
under the request's idempotency key, the payment is one per order, the reservation one per order
and lines, the receipt one per order (key ``receipt:<order id>``).
The shop is reached through ``Shop`` (guarded DeploymentHandle calls in production, fakes in tests).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from aref.absorption.degradation import ORDER_RECEIPTS
from services.base.envelope import Envelope

STEPS = ("create_order", "process_payment", "reserve_stock", "send_receipt")
RECEIPTS_FLAG = "receipts"
"""The gateway's flag kind that, off, skips the receipt (``gateway.receipts``)."""


def receipt_skip(tier_allows: bool, flag_on: bool, tier: str) -> tuple[str, str] | None:
    """Why an order goes without its receipt, as ``(skipped counter, reason)``: the tier first, then
    the flag; None: the receipt is sent."""
    if not tier_allows:
        return ORDER_RECEIPTS, f"degradation tier {tier}: receipts off"
    if not flag_on:
        return RECEIPTS_FLAG, f"flag gateway.{RECEIPTS_FLAG} off"
    return None


class Shop(Protocol):
    async def create_order(self, payload: dict[str, Any]) -> Envelope: ...
    async def confirm_order(self, order_id: str, payment_id: str) -> Envelope: ...
    async def cancel_order(self, order_id: str, reason: str) -> Envelope: ...
    async def process_payment(self, payload: dict[str, Any]) -> Envelope: ...
    async def refund_payment(self, payment_id: str, reason: str) -> Envelope: ...
    async def reserve_stock(self, payload: dict[str, Any]) -> Envelope: ...
    async def send_notification(self, payload: dict[str, Any]) -> Envelope: ...


class Pipeline:
    """One run of the pipeline for one order request."""

    def __init__(
        self, shop: Shop, timer: Callable[[], float] = time.perf_counter, *, skip_receipt: str | None = None
    ) -> None:
        self._shop = shop
        self._skip_receipt = skip_receipt
        self._timer = timer
        self._steps: list[dict[str, Any]] = []
        self._parts: dict[str, Any] = {"order": None, "payment": None, "stock": None, "notification": None}

    async def run(self, request: Mapping[str, Any]) -> Envelope:
        """``request``: customer, items [{sku, quantity, unit_price}], currency, channel, recipient, priority."""
        started = self._timer()
        order_payload = {"customer": request["customer"], "items": list(request["items"])}
        order_payload["currency"] = request.get("currency", "USD")
        if request.get("idempotency_key"):
            order_payload["idempotency_key"] = request["idempotency_key"]
        created = await self._step("create_order", self._shop.create_order(order_payload))
        if not created.ok:
            return self._finish(started, created)
        order = self._parts["order"] = created.body
        paid = await self._step(
            "process_payment",
            self._shop.process_payment(
                {"order_id": order["id"], "amount": order["total"], "currency": order["currency"]}
            ),
        )
        self._parts["payment"] = paid.body
        if not paid.ok:
            await self._cancel(order["id"], f"payment failed: {paid.error}")
            return self._finish(started, paid)
        confirmed = await self._shop.confirm_order(order["id"], paid.body["id"])
        if confirmed.ok:
            self._parts["order"] = confirmed.body
        else:
            self._degrade("process_payment", f"order not confirmed: {confirmed.error}")
        items = [{"sku": i["sku"], "quantity": i["quantity"]} for i in order["items"]]
        reserved = await self._step(
            "reserve_stock", self._shop.reserve_stock({"order_id": order["id"], "items": items})
        )
        self._parts["stock"] = reserved.body
        if not reserved.ok and not reserved.server_error:
            await self._shop.refund_payment(paid.body["id"], f"stock refused: {reserved.error}")
            await self._cancel(order["id"], f"stock refused: {reserved.error}")
            return self._finish(started, reserved)
        if not reserved.ok:
            self._degrade("reserve_stock", reserved.error or "inventory unavailable")
        if self._skip_receipt is None:
            await self._receipt(request, self._parts["order"])
        else:
            reason = self._skip_receipt
            self._steps.append({"step": "send_receipt", "status": "skipped", "latency_ms": 0.0, "reason": reason})
        return self._finish(started, None)

    async def _receipt(self, request: Mapping[str, Any], order: Mapping[str, Any]) -> None:
        payload = {
            "channel": request.get("channel", "email"),
            "recipient": request.get("recipient") or order["customer"],
            "template": "order_receipt",
            "params": {
                "customer": order["customer"],
                "order_id": order["id"],
                "total": f"{order['total']:.2f}",
                "currency": order["currency"],
            },
            "priority": request.get("priority", "normal"),
            "order_id": order["id"],
            "idempotency_key": f"receipt:{order['id']}",
        }
        sent = await self._step("send_receipt", self._shop.send_notification(payload))
        self._parts["notification"] = sent.body
        if sent.ok and isinstance(sent.body, Mapping) and sent.body.get("status") == "shed":
            self._steps[-1]["status"] = "shed"

    async def _step(self, name: str, call: Awaitable[Envelope]) -> Envelope:
        started = self._timer()
        answer = await call
        entry: dict[str, Any] = {
            "step": name,
            "status": "ok" if answer.ok else "failed",
            "latency_ms": round((self._timer() - started) * 1000.0, 3),
        }
        if not answer.ok:
            entry["error"] = answer.error
            entry["http_status"] = answer.status
        self._steps.append(entry)
        return answer

    async def _cancel(self, order_id: str, reason: str) -> None:
        cancelled = await self._shop.cancel_order(order_id, reason)
        if cancelled.ok:
            self._parts["order"] = cancelled.body
        elif isinstance(self._parts["order"], dict):
            self._parts["order"] = {**self._parts["order"], "cancel_error": cancelled.error}

    def _degrade(self, step: str, error: str) -> None:
        for entry in self._steps:
            if entry["step"] == step:
                entry["status"] = "degraded"
                entry["error"] = error

    def _finish(self, started: float, failure: Envelope | None) -> Envelope:
        done = {entry["step"] for entry in self._steps}
        steps = self._steps + [{"step": s, "status": "skipped", "latency_ms": 0.0} for s in STEPS if s not in done]
        body = {
            **self._parts,
            "status": "completed" if failure is None else "failed",
            "pipeline": {"total_ms": round((self._timer() - started) * 1000.0, 3), "steps": steps},
        }
        if failure is None:
            return Envelope(201, body)
        # a step its service refused by a tier or flag (shed) keeps shed and its Retry-After: no failure
        return Envelope(failure.status, {**body, "error": failure.error}, failure.headers, shed=failure.shed)


def refused_order(tier: str, retry_after_s: int) -> Envelope:
    """The answer to a new order while the degradation tier switches new orders off: 503 + Retry-After."""
    body = {
        "error": f"new orders are refused at degradation tier {tier}; retry after {retry_after_s} s",
        "status": "refused",
        "tier": tier,
        "retry_after_s": retry_after_s,
    }
    return Envelope(503, body, {"Retry-After": str(retry_after_s)}, shed=True)
