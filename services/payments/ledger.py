"""The payments ledger: capture with provider failover, refunds, settlement, stats.

``process`` routes a payment to the provider its draw picks from the traffic weights and
fails over to the next available provider when one fails; whether an attempt fails is the
caller's input (``provider_fails``, decided by the app from the fault board), so the ledger is
deterministic given its inputs. A payment is recorded whatever the outcome (``captured`` or
``failed``). One order is captured at most once: a captured order replays its payment, and a
concurrent attempt for the same order is told to retry (``BusyError``, 503) — the claim on
``payment_orders`` is atomic across replicas and lapses after ``STALE_CLAIM_S``. Refunds never
exceed what was captured.
Settlement batches every captured, unsettled payment into one ``settlements`` record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from aref.clock import Clock
from aref.errors import BusyError, ConflictError, NotFoundError
from aref.store import Store
from services.base import checks
from services.base.checks import DEFAULT_IDS, IdFactory
from services.payments.providers import ProviderBoard, failover_order, pick, provider_weights

PAYMENTS = "payments"
BY_ORDER = "payment_orders"
SETTLEMENTS = "settlements"
STALE_CLAIM_S = 30.0
"""A claim left ``processing`` this long (its replica died mid-payment) may be taken over."""


class PaymentStatus(StrEnum):
    CAPTURED = "captured"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


REFUNDABLE = (PaymentStatus.CAPTURED.value, PaymentStatus.PARTIALLY_REFUNDED.value)


def _never(provider: str) -> bool:
    return False


def _failure(attempts: list[dict[str, Any]]) -> str:
    if any(a["outcome"] == "failed" for a in attempts):
        return "every available payment provider failed"
    return "no payment provider available (all unhealthy)"


class PaymentLedger:
    def __init__(self, store: Store, clock: Clock, providers: ProviderBoard, ids: IdFactory = DEFAULT_IDS) -> None:
        self._store = store
        self._clock = clock
        self.providers = providers
        self._ids = ids

    def process(
        self,
        order_id: str,
        amount: float,
        *,
        currency: str = "USD",
        traffic: Mapping[str, int] | None = None,
        u: float = 0.0,
        provider_fails: Callable[[str], bool] = _never,
    ) -> dict[str, Any]:
        """Capture ``amount`` for ``order_id``; returns the payment record (``captured`` or ``failed``)."""
        order = checks.text("order_id", order_id, max_length=64)
        value = checks.amount("amount", amount)
        money = checks.text("currency", currency, max_length=3).upper()
        routed = pick(provider_weights(traffic or {}, self.providers.providers), u)
        payment_id = self._ids("PAY")
        existing = self._claim(order, payment_id)
        if existing is not None:
            return existing
        attempts: list[dict[str, Any]] = []
        captured_by: str | None = None
        for provider in failover_order(routed, self.providers.providers):
            if not self.providers.available(provider):
                attempts.append({"provider": provider, "outcome": "skipped", "reason": "unhealthy"})
                continue
            failed = bool(provider_fails(provider))
            self.providers.record(provider, ok=not failed)
            attempts.append({"provider": provider, "outcome": "failed" if failed else "captured"})
            if not failed:
                captured_by = provider
                break
        now = self._clock.now()
        payment = {
            "id": payment_id,
            "order_id": order,
            "amount": value,
            "currency": money,
            "status": (PaymentStatus.CAPTURED if captured_by else PaymentStatus.FAILED).value,
            "provider": captured_by,
            "routed_to": routed,
            "failover": captured_by is not None and captured_by != routed,
            "attempts": attempts,
            "error": None if captured_by else _failure(attempts),
            "refunded": 0.0,
            "refunds": [],
            "settlement_id": None,
            "created_at": now,
            "updated_at": now,
        }
        self._store.put(PAYMENTS, payment_id, payment)
        if captured_by:
            self._store.put(BY_ORDER, order, {"payment_id": payment_id, "status": "captured", "at": now})
        else:
            self._store.delete(BY_ORDER, order)
        return payment

    def get(self, payment_id: str) -> dict[str, Any]:
        payment = self._store.get(PAYMENTS, payment_id)
        if payment is None:
            raise NotFoundError("payment", payment_id)
        return payment

    def refund(self, payment_id: str, amount: float | None = None, *, reason: str = "") -> dict[str, Any]:
        """Refund ``amount`` (default: all that is left) of a captured payment."""
        wanted = None if amount is None else checks.amount("amount", amount)
        now = self._clock.now()

        def change(current: dict[str, Any] | None) -> dict[str, Any]:
            if current is None:
                raise NotFoundError("payment", payment_id)
            if current["status"] not in REFUNDABLE:
                raise ConflictError(f"payment {payment_id} is {current['status']}; nothing to refund")
            left = round(current["amount"] - current["refunded"], 2)
            value = left if wanted is None else wanted
            if value > left:
                raise ConflictError(f"refund {value:.2f} exceeds the {left:.2f} still captured on {payment_id}")
            refunded = round(current["refunded"] + value, 2)
            status = PaymentStatus.REFUNDED if refunded >= current["amount"] else PaymentStatus.PARTIALLY_REFUNDED
            entry = {"amount": value, "reason": reason, "at": now}
            return {
                **current,
                "refunded": refunded,
                "status": status.value,
                "refunds": [*current["refunds"], entry],
                "updated_at": now,
            }

        stored = self._store.update(PAYMENTS, payment_id, change)
        assert stored is not None
        return stored

    def settle(self) -> dict[str, Any]:
        """Settle every captured (or partly refunded) payment not settled yet, as one batch."""
        now = self._clock.now()
        settlement_id = self._ids("SET")
        taken: list[dict[str, Any]] = []
        for payment in self._store.list(PAYMENTS, where={"settlement_id": None}):
            if payment["status"] not in REFUNDABLE:
                continue

            def change(current: dict[str, Any] | None) -> dict[str, Any] | None:
                if current is None or current["settlement_id"] is not None or current["status"] not in REFUNDABLE:
                    return None
                return {**current, "settlement_id": settlement_id, "updated_at": now}

            stored = self._store.update(PAYMENTS, payment["id"], change)
            if stored is not None and stored["settlement_id"] == settlement_id:
                taken.append(stored)
        gross = round(sum(p["amount"] for p in taken), 2)
        refunded = round(sum(p["refunded"] for p in taken), 2)
        settlement = {
            "id": settlement_id if taken else None,
            "payment_ids": [p["id"] for p in taken],
            "count": len(taken),
            "gross": gross,
            "refunded": refunded,
            "net": round(gross - refunded, 2),
            "at": now,
        }
        if taken:
            self._store.put(SETTLEMENTS, settlement_id, settlement)
        return settlement

    def find(self, *, order_id: str | None = None, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Matching payments, newest first."""
        where: dict[str, Any] = {}
        if order_id is not None:
            where["order_id"] = order_id
        if status is not None:
            where["status"] = checks.choice("status", status, tuple(s.value for s in PaymentStatus))
        return self._store.list(PAYMENTS, where=where)[-checks.limit(limit) :][::-1]

    def stats(self) -> dict[str, Any]:
        payments = self._store.list(PAYMENTS)
        by_status = {s.value: 0 for s in PaymentStatus}
        by_provider = {p: {"captured": 0, "failed_attempts": 0} for p in self.providers.providers}
        for payment in payments:
            by_status[payment["status"]] += 1
            for attempt in payment["attempts"]:
                counts = by_provider.setdefault(attempt["provider"], {"captured": 0, "failed_attempts": 0})
                if attempt["outcome"] == "captured":
                    counts["captured"] += 1
                elif attempt["outcome"] == "failed":
                    counts["failed_attempts"] += 1
        captured = [p for p in payments if p["status"] != PaymentStatus.FAILED]
        return {
            "total": len(payments),
            "by_status": by_status,
            "success_rate": round(len(captured) / len(payments), 4) if payments else 1.0,
            "captured_volume": round(sum(p["amount"] for p in captured), 2),
            "refunded_volume": round(sum(p["refunded"] for p in captured), 2),
            "failovers": sum(1 for p in payments if p["failover"]),
            "unsettled": sum(1 for p in captured if p["settlement_id"] is None and p["status"] in REFUNDABLE),
            "by_provider": by_provider,
            "settlements": len(self._store.list(SETTLEMENTS)),
        }

    def _claim(self, order_id: str, payment_id: str) -> dict[str, Any] | None:
        """Claim ``order_id`` for ``payment_id``; returns the earlier capture to replay, if any."""

        now = self._clock.now()

        def change(current: dict[str, Any] | None) -> dict[str, Any] | None:
            stale = current is not None and current["status"] == "processing" and now - current["at"] >= STALE_CLAIM_S
            if current is None or stale:
                return {"payment_id": payment_id, "status": "processing", "at": now}
            if current["status"] == "processing":
                raise BusyError(f"a payment for order {order_id} is already in progress")
            return None

        claim = self._store.update(BY_ORDER, order_id, change)
        if claim is not None and claim["payment_id"] != payment_id:
            return self.get(claim["payment_id"])
        return None
