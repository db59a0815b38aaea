"""Payments under each degradation tier: what the replica refuses and what always runs."""

from __future__ import annotations

from typing import Any

import pytest

from services.payments.payments_app import PaymentsService, ProcessPayment, Refund
from tests.unit.services.fakes import at_tier, handle, http, serve_free


@pytest.fixture
def payments() -> Any:
    return serve_free(PaymentsService, "payments", {"retry_after_s": 8})


def pay(replica: Any, order_id: str) -> dict[str, Any]:
    return handle(replica.process_payment({"order_id": order_id, "amount": 20.0}))


def reports_and_listings(replica: Any) -> list[int]:
    """Summary and settlement (off from reduced), the listing (off from minimal)."""
    calls = (replica.http_stats(), replica.http_settle(), replica.http_list(order_id=None, status=None, limit=10))
    return [http(c)[0] for c in calls]


def test_reduced_refuses_the_summary_and_the_settlement_batch(payments: Any) -> None:
    captured = pay(payments, "ORD-1")["body"]
    at_tier(payments, "reduced")

    status, body, retry_after = http(payments.http_settle())

    assert (status, retry_after, body["feature"], body["tier"]) == (503, "8", "payment_settlement", "reduced")
    assert payments.ledger.get(captured["id"])["settlement_id"] is None  # nothing was settled
    assert reports_and_listings(payments) == [503, 503, 200]
    assert payments.runtime.health()["skipped"] == {"payment_settlement": 2, "payment_reports": 1}
    assert (payments.runtime.errors, payments.runtime.shed_requests) == (0, 3)


def test_minimal_and_emergency_keep_process_refund_get_and_the_providers(payments: Any) -> None:
    for n, tier in enumerate(("minimal", "emergency")):
        at_tier(payments, tier)
        assert reports_and_listings(payments) == [503, 503, 503]
        paid = pay(payments, f"ORD-{n}")
        assert (paid["status"], paid["body"]["status"]) == (201, "captured")
        assert http(payments.http_process(ProcessPayment(order_id=f"ORD-X{n}", amount=5.0)))[0] == 201
        assert handle(payments.get_payment(paid["body"]["id"]))["status"] == 200
        refunded = handle(payments.refund_payment(paid["body"]["id"], "stock refused"))
        assert refunded["body"]["status"] == "refunded"
        assert http(payments.http_refund(paid["body"]["id"], Refund()))[0] == 409  # nothing left: the core answered
        assert http(payments.http_providers())[0] == 200  # the failover check reads it in any tier
    assert payments.runtime.health()["skipped"] == {
        "payment_reports": 2,
        "payment_settlement": 2,
        "payment_listings": 2,
    }


def test_lifting_the_tier_brings_the_summary_settlement_and_listing_back(payments: Any) -> None:
    pay(payments, "ORD-1")
    at_tier(payments, "minimal")
    assert reports_and_listings(payments) == [503, 503, 503]

    at_tier(payments, "full")

    assert reports_and_listings(payments) == [200, 200, 200]
    assert http(payments.http_stats())[1]["unsettled"] == 0  # the settlement ran
