from __future__ import annotations

import asyncio
from typing import Any

from services.base.envelope import Envelope
from services.gateway.pipeline import Pipeline, receipt_skip, refused_order

REQUEST = {
    "customer": "ann",
    "items": [{"sku": "SKU-1", "quantity": 2, "unit_price": 10.0}],
    "currency": "USD",
    "channel": "sms",
    "recipient": None,
    "priority": "high",
}
ORDER = {
    "id": "ORD-1",
    "customer": "ann",
    "items": REQUEST["items"],
    "total": 20.0,
    "currency": "USD",
    "status": "pending",
}
PAYMENT = {"id": "PAY-1", "order_id": "ORD-1", "status": "captured"}


class FakeShop:
    """Answers every step with a canned envelope (override per test) and records the calls."""

    def __init__(self, **overrides: Envelope) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.answers = {
            "create_order": Envelope(201, dict(ORDER)),
            "process_payment": Envelope(201, dict(PAYMENT)),
            "confirm_order": Envelope(200, {**ORDER, "status": "confirmed", "payment_id": "PAY-1"}),
            "cancel_order": Envelope(200, {**ORDER, "status": "cancelled"}),
            "refund_payment": Envelope(200, {**PAYMENT, "status": "refunded"}),
            "reserve_stock": Envelope(201, {"order_id": "ORD-1", "reservations": [{"id": "RSV-1"}], "count": 1}),
            "send_notification": Envelope(201, {"id": "NTF-1", "status": "delivered"}),
            **overrides,
        }

    async def _answer(self, step: str, *args: Any) -> Envelope:
        self.calls.append((step, args if len(args) > 1 else args[0]))
        return self.answers[step]

    async def create_order(self, payload: dict[str, Any]) -> Envelope:
        return await self._answer("create_order", payload)

    async def confirm_order(self, order_id: str, payment_id: str) -> Envelope:
        return await self._answer("confirm_order", order_id, payment_id)

    async def cancel_order(self, order_id: str, reason: str) -> Envelope:
        return await self._answer("cancel_order", order_id, reason)

    async def process_payment(self, payload: dict[str, Any]) -> Envelope:
        return await self._answer("process_payment", payload)

    async def refund_payment(self, payment_id: str, reason: str) -> Envelope:
        return await self._answer("refund_payment", payment_id, reason)

    async def reserve_stock(self, payload: dict[str, Any]) -> Envelope:
        return await self._answer("reserve_stock", payload)

    async def send_notification(self, payload: dict[str, Any]) -> Envelope:
        return await self._answer("send_notification", payload)


class Ticks:
    """A timer that moves 1 ms per reading."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


def run(shop: FakeShop) -> Envelope:
    return asyncio.run(Pipeline(shop, Ticks()).run(REQUEST))


def statuses(answer: Envelope) -> list[str]:
    return [s["status"] for s in answer.body["pipeline"]["steps"]]


def test_a_healthy_shop_completes_all_four_steps_in_order() -> None:
    shop = FakeShop()

    answer = run(shop)

    assert answer.status == 201
    assert answer.body["status"] == "completed"
    assert answer.body["pipeline"]["steps"] == [
        {"step": "create_order", "status": "ok", "latency_ms": 1.0},
        {"step": "process_payment", "status": "ok", "latency_ms": 1.0},
        {"step": "reserve_stock", "status": "ok", "latency_ms": 1.0},
        {"step": "send_receipt", "status": "ok", "latency_ms": 1.0},
    ]
    assert answer.body["pipeline"]["total_ms"] == 9.0
    assert answer.body["order"]["status"] == "confirmed"
    assert (answer.body["payment"], answer.body["notification"]["status"]) == (PAYMENT, "delivered")
    assert [c[0] for c in shop.calls] == [
        "create_order",
        "process_payment",
        "confirm_order",
        "reserve_stock",
        "send_notification",
    ]


def test_each_call_carries_what_the_service_needs() -> None:
    shop = FakeShop()
    run(shop)
    sent = dict(shop.calls)

    assert sent["create_order"] == {"customer": "ann", "items": REQUEST["items"], "currency": "USD"}
    assert sent["process_payment"] == {"order_id": "ORD-1", "amount": 20.0, "currency": "USD"}
    assert sent["confirm_order"] == ("ORD-1", "PAY-1")
    assert sent["reserve_stock"] == {"order_id": "ORD-1", "items": [{"sku": "SKU-1", "quantity": 2}]}
    receipt = sent["send_notification"]
    assert (receipt["channel"], receipt["recipient"], receipt["priority"], receipt["template"]) == (
        "sms",
        "ann",
        "high",
        "order_receipt",
    )
    assert receipt["params"] == {"customer": "ann", "order_id": "ORD-1", "total": "20.00", "currency": "USD"}


def test_a_failed_order_creation_stops_the_pipeline() -> None:
    shop = FakeShop(create_order=Envelope(503, {"error": "circuit_breaker 'gateway->orders' rejected the call"}))

    answer = run(shop)

    assert answer.status == 503
    assert answer.body["error"] == "circuit_breaker 'gateway->orders' rejected the call"
    assert statuses(answer) == ["failed", "skipped", "skipped", "skipped"]
    assert answer.body["pipeline"]["steps"][0]["http_status"] == 503
    assert [c[0] for c in shop.calls] == ["create_order"]


def test_a_failed_payment_cancels_the_order_and_skips_the_rest() -> None:
    shop = FakeShop(
        process_payment=Envelope(502, {"status": "failed", "error": "every available payment provider failed"})
    )

    answer = run(shop)

    assert answer.status == 502
    assert statuses(answer) == ["ok", "failed", "skipped", "skipped"]
    assert answer.body["order"]["status"] == "cancelled"
    assert ("cancel_order", ("ORD-1", "payment failed: every available payment provider failed")) in shop.calls
    assert answer.body["status"] == "failed"


def test_a_failed_cancellation_is_reported_on_the_order() -> None:
    shop = FakeShop(
        process_payment=Envelope(504, {"error": "gateway->payments timed out after 5s"}),
        cancel_order=Envelope(503, {"error": "orders down"}),
    )

    answer = run(shop)

    assert answer.body["order"]["status"] == "pending"
    assert answer.body["order"]["cancel_error"] == "orders down"


def test_refused_stock_refunds_the_payment_and_cancels_the_order() -> None:
    shop = FakeShop(reserve_stock=Envelope(409, {"error": "insufficient stock for SKU-1: 2 wanted, 1 available"}))

    answer = run(shop)

    assert answer.status == 409
    assert statuses(answer) == ["ok", "ok", "failed", "skipped"]
    assert (
        "refund_payment",
        ("PAY-1", "stock refused: insufficient stock for SKU-1: 2 wanted, 1 available"),
    ) in shop.calls
    assert answer.body["order"]["status"] == "cancelled"


def test_unavailable_inventory_degrades_the_step_but_the_order_stands() -> None:
    shop = FakeShop(reserve_stock=Envelope(503, {"error": "injected error fault in inventory", "fault": {}}))

    answer = run(shop)

    assert answer.status == 201
    assert statuses(answer) == ["ok", "ok", "degraded", "ok"]
    assert answer.body["pipeline"]["steps"][2]["error"] == "injected error fault in inventory"
    assert answer.body["order"]["status"] == "confirmed"
    assert "refund_payment" not in [c[0] for c in shop.calls]


def test_a_failed_receipt_never_fails_the_order() -> None:
    shop = FakeShop(send_notification=Envelope(502, {"status": "failed", "error": "delivery failed after 3 attempts"}))

    answer = run(shop)

    assert answer.status == 201
    assert statuses(answer) == ["ok", "ok", "ok", "failed"]
    assert answer.body["status"] == "completed"


def test_a_shed_receipt_is_marked_shed() -> None:
    shop = FakeShop(send_notification=Envelope(200, {"id": "NTF-1", "status": "shed"}))

    assert statuses(run(shop)) == ["ok", "ok", "ok", "shed"]


def test_a_failed_confirmation_degrades_the_payment_step() -> None:
    shop = FakeShop(confirm_order=Envelope(503, {"error": "orders down"}))

    answer = run(shop)

    assert answer.status == 201
    assert statuses(answer) == ["ok", "degraded", "ok", "ok"]
    assert answer.body["pipeline"]["steps"][1]["error"] == "order not confirmed: orders down"
    assert answer.body["order"]["status"] == "pending"


def test_without_receipts_the_core_runs_and_the_receipt_is_skipped_with_the_tier() -> None:
    shop = FakeShop()

    skip = receipt_skip(tier_allows=False, flag_on=True, tier="minimal")
    assert skip is not None
    answer = asyncio.run(Pipeline(shop, Ticks(), skip_receipt=skip[1]).run(REQUEST))

    assert (answer.status, answer.body["status"]) == (201, "completed")
    assert answer.body["pipeline"]["steps"][-1] == {
        "step": "send_receipt",
        "status": "skipped",
        "latency_ms": 0.0,
        "reason": "degradation tier minimal: receipts off",
    }
    assert "send_notification" not in [c[0] for c in shop.calls]


def test_the_receipts_flag_off_skips_the_receipt_and_the_tier_is_named_first() -> None:
    shop = FakeShop()
    skip = receipt_skip(tier_allows=True, flag_on=False, tier="full")
    assert skip == ("receipts", "flag gateway.receipts off")

    answer = asyncio.run(Pipeline(shop, Ticks(), skip_receipt=skip[1]).run(REQUEST))

    assert (answer.status, answer.body["status"]) == (201, "completed")
    assert answer.body["pipeline"]["steps"][-1]["reason"] == "flag gateway.receipts off"
    assert "send_notification" not in [c[0] for c in shop.calls]
    assert receipt_skip(tier_allows=False, flag_on=False, tier="minimal") == (
        "order_receipts",
        "degradation tier minimal: receipts off",
    )
    assert receipt_skip(tier_allows=True, flag_on=True, tier="reduced") is None


def test_a_refused_order_is_a_503_with_retry_after_naming_the_tier() -> None:
    answer = refused_order("emergency", 15)

    assert (answer.status, answer.headers) == (503, {"Retry-After": "15"})
    assert (answer.body["status"], answer.body["tier"], answer.body["retry_after_s"]) == ("refused", "emergency", 15)
    assert Envelope.from_dict(answer.to_dict()) == answer  # the header survives a handle hop


def test_an_order_the_orders_tier_refuses_stays_shed_with_its_retry_after_and_nothing_else_runs() -> None:
    refusal = Envelope(
        503, {"error": "orders: new_orders is off", "status": "refused"}, {"Retry-After": "10"}, shed=True
    )
    shop = FakeShop(create_order=refusal)

    answer = asyncio.run(Pipeline(shop).run(REQUEST))

    assert (answer.status, answer.headers, answer.shed) == (503, {"Retry-After": "10"}, True)
    assert (answer.body["status"], answer.body["error"]) == ("failed", "orders: new_orders is off")
    assert [c[0] for c in shop.calls] == ["create_order"]


def test_a_failed_order_is_no_shed_answer() -> None:
    shop = FakeShop(create_order=Envelope(500, {"error": "internal error (KeyError)"}))

    answer = asyncio.run(Pipeline(shop).run(REQUEST))

    assert (answer.status, answer.headers, answer.shed) == (500, {}, False)
