"""Degradation tiers on the running stack: each tier changes what the replicas do, and lifting it
brings the behaviour back.

A tier is pinned by hand (``POST /api/aref/absorption/tiers/{service}``); every replica pulls its
service's tier within a tick and reports what it applied (``GET /api/aref/controls/applied``). The
test waits until every running replica of the service reports the tier, then checks behaviour:
- reduced (notifications): a ``low`` message is shed, a ``normal`` one still delivered;
- minimal (notifications): ``normal`` is shed too, ``high`` still delivered;
- minimal (gateway): an order completes with its core steps and the receipt ``skipped``;
- emergency (gateway): a new order is refused with 503 and ``Retry-After``, no order is created;
- orders: reduced refuses the summary, minimal the listing, audit log and fulfilment (the gateway's
  pipeline still completes), emergency new orders (directly and through the gateway);
- payments: reduced refuses the summary and settlement, minimal the listing (payments still captured);
- inventory: reduced refuses the summary and sweep and defers the restock, minimal the stock list,
  catalog and movements; payments and inventory in emergency still serve the pipeline's core;
- reduced (notifications, under an error fault): a failing message is attempted once, no retries.
``OBSERVED_BY`` names the test that observes each (feature, service) a tier switches off; a
feature no test observes fails ``test_no_tier_switches_off_a_feature_no_test_observes``.
Every refusal is a 503 with ``Retry-After`` naming the feature, counted in the replicas' own ``skipped``.
After the pin is lifted the replicas leave the tier and the behaviour is back (a tier other alerts
hold up may remain; the test checks the pinned tier's effect is gone). The tests of orders, payments
and inventory are in test_tiers_services.py, the helpers both use in tiers.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from aref.absorption.degradation import (
    HONOURED_BY,
    LOW_PRIORITY_NOTIFICATIONS,
    NEW_ORDERS,
    NORMAL_PRIORITY_NOTIFICATIONS,
    NOTIFICATION_RETRIES,
    ORDER_FULFILMENT,
    ORDER_LISTINGS,
    ORDER_RECEIPTS,
    ORDER_REPORTS,
    PAYMENT_LISTINGS,
    PAYMENT_REPORTS,
    PAYMENT_SETTLEMENT,
    STOCK_LISTINGS,
    STOCK_REPORTS,
    STOCK_RESTOCK,
    STOCK_SWEEP,
    SWITCHED_OFF_AT,
)
from tests.e2e.tiers import (
    APPLY_WITHIN_S,
    STEP_DOWN_S,
    delivered_again,
    hold,
    lift,
    rested,
    send,
    settle,
    steps,
)
from tests.integration.helpers import ORDER, api
from tests.stack import Stack, wait_for

pytestmark = pytest.mark.usefixtures("stack")


def test_reduced_sheds_low_priority_notifications_and_lifting_delivers_them_again(pinned: list[str]) -> None:
    rested("notifications")
    assert send("low")["status"] == "delivered"
    hold(pinned, "notifications", "reduced")

    shed, normal = send("low"), send("normal")
    assert (shed["status"], shed["attempts"], shed["shed_level"]) == ("shed", [], "normal")
    assert normal["status"] == "delivered"

    lift("notifications", "reduced", {"full"})
    delivered_again("low")


def test_minimal_sheds_normal_notifications_but_delivers_high(pinned: list[str]) -> None:
    rested("notifications")
    hold(pinned, "notifications", "minimal")

    assert (send("normal")["status"], send("high")["status"]) == ("shed", "delivered")

    lift("notifications", "minimal", {"full"})
    delivered_again("normal")


def test_minimal_keeps_the_order_pipelines_core_and_skips_the_receipt(pinned: list[str]) -> None:
    hold(pinned, "gateway", "minimal")

    reply = api("POST", "/gateway/api/orders", json=ORDER)
    assert reply.status_code == 201, reply.text
    found = steps(reply.json())
    assert [found[s]["status"] for s in ("create_order", "process_payment", "reserve_stock")] == ["ok"] * 3
    assert (found["send_receipt"]["status"], found["send_receipt"]["reason"]) == (
        "skipped",
        "degradation tier minimal: receipts off",
    )
    assert reply.json()["notification"] is None

    lift("gateway", "minimal", {"full", "reduced"})
    again = api("POST", "/gateway/api/orders", json=ORDER)
    assert again.status_code == 201, again.text
    receipt = steps(again.json())["send_receipt"]
    # the tier's skip is gone; adaptation's own shedding may still hold the receipts flag off a while
    flag_off = (receipt["status"], receipt.get("reason")) == ("skipped", "flag gateway.receipts off")
    assert receipt["status"] in ("ok", "shed") or flag_off, receipt


def test_emergency_refuses_new_orders_with_503_and_retry_after_until_lifted(stack: Stack, pinned: list[str]) -> None:
    hold(pinned, "gateway", "emergency")

    refused = api("POST", "/gateway/api/orders", json=ORDER)
    assert refused.status_code == 503, refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert (refused.json()["status"], refused.json()["tier"]) == ("refused", "emergency")
    assert "order" not in refused.json()  # refused before any service was called

    lift("gateway", "emergency", {"full", "reduced", "minimal"})
    accepted = api("POST", "/gateway/api/orders", json=ORDER)
    assert accepted.status_code == 201, accepted.text
    assert "Retry-After" not in accepted.headers


def test_a_bad_tier_is_refused_with_422_and_an_unknown_service_with_404() -> None:
    bad = api("POST", "/api/aref/absorption/tiers/gateway", json={"tier": "panic"})
    assert (bad.status_code, bad.json()["field"]) == (422, "tier")
    assert api("POST", "/api/aref/absorption/tiers/billing", json={"tier": "reduced"}).status_code == 404


@contextmanager
def failing_notifications() -> Iterator[None]:
    """Nine in ten delivery attempts fail while the block runs (a chaos fault on notifications)."""
    spec = {"service": "notifications", "fault_type": "error", "rate": 0.9, "duration_s": 30}
    reply = api("POST", "/api/aref/chaos/start", json=spec)
    assert reply.status_code == 200, reply.text
    try:
        yield
    finally:
        api("POST", f"/api/aref/chaos/stop/{reply.json()['fault_id']}")


def attempts() -> int:
    """How many delivery attempts a ``critical`` message got (a message that failed them all answers 502).
    Critical: adaptation may shed the notifications flags under the fault, and no flag or tier sheds it."""
    body = {"channel": "email", "recipient": "tiers@example.com", "message": "tier check", "priority": "critical"}
    reply = api("POST", "/notifications/send", json=body)
    assert reply.status_code in (200, 201, 502), reply.text
    return len(reply.json()["attempts"])


def test_reduced_attempts_a_failing_message_once(pinned: list[str]) -> None:
    settle("notifications", {"full"}, "notifications replicas at full before the fault", timeout=STEP_DOWN_S)
    with failing_notifications():
        wait_for(lambda: attempts() > 1, timeout=APPLY_WITHIN_S, what="a failing message retried at full")
        hold(pinned, "notifications", "reduced")
        assert [attempts() for _ in range(5)] == [1] * 5
        lift("notifications", "reduced", {"full", "reduced", "minimal", "emergency"})


# every (feature a tier switches off, service that acts on it), and the test that observes it live
HERE, SERVICES = "tests.e2e.test_tiers", "tests.e2e.test_tiers_services"
OBSERVED_BY: dict[tuple[str, str], str] = {
    (NOTIFICATION_RETRIES, "notifications"): f"{HERE}::test_reduced_attempts_a_failing_message_once",
    (LOW_PRIORITY_NOTIFICATIONS, "notifications"): (
        f"{HERE}::test_reduced_sheds_low_priority_notifications_and_lifting_delivers_them_again"
    ),
    (
        NORMAL_PRIORITY_NOTIFICATIONS,
        "notifications",
    ): f"{HERE}::test_minimal_sheds_normal_notifications_but_delivers_high",
    (ORDER_RECEIPTS, "gateway"): f"{HERE}::test_minimal_keeps_the_order_pipelines_core_and_skips_the_receipt",
    (NEW_ORDERS, "gateway"): f"{HERE}::test_emergency_refuses_new_orders_with_503_and_retry_after_until_lifted",
    (NEW_ORDERS, "orders"): f"{SERVICES}::test_orders_emergency_refuses_new_orders_directly_and_through_the_gateway",
    (
        ORDER_REPORTS,
        "orders",
    ): f"{SERVICES}::test_orders_reduced_refuses_the_summary_but_lists_and_lifting_brings_it_back",
    (ORDER_LISTINGS, "orders"): (
        f"{SERVICES}::test_orders_minimal_refuses_listings_audit_and_fulfilment_while_the_pipeline_completes"
    ),
    (ORDER_FULFILMENT, "orders"): (
        f"{SERVICES}::test_orders_minimal_refuses_listings_audit_and_fulfilment_while_the_pipeline_completes"
    ),
    (PAYMENT_REPORTS, "payments"): f"{SERVICES}::test_payments_reduced_refuses_summary_and_settlement_but_lists",
    (PAYMENT_SETTLEMENT, "payments"): f"{SERVICES}::test_payments_reduced_refuses_summary_and_settlement_but_lists",
    (PAYMENT_LISTINGS, "payments"): (
        f"{SERVICES}::test_payments_minimal_refuses_the_listing_while_payments_and_provider_health_work"
    ),
    (
        STOCK_REPORTS,
        "inventory",
    ): f"{SERVICES}::test_inventory_reduced_defers_the_restock_and_refuses_summary_and_sweep",
    (STOCK_SWEEP, "inventory"): f"{SERVICES}::test_inventory_reduced_defers_the_restock_and_refuses_summary_and_sweep",
    (
        STOCK_RESTOCK,
        "inventory",
    ): f"{SERVICES}::test_inventory_reduced_defers_the_restock_and_refuses_summary_and_sweep",
    (STOCK_LISTINGS, "inventory"): (
        f"{SERVICES}::test_inventory_minimal_refuses_stock_list_catalog_and_movements_while_the_pipeline_completes"
    ),
}


def test_no_tier_switches_off_a_feature_no_test_observes() -> None:
    acted_on = {(feature, service) for feature, services in HONOURED_BY.items() for service in services}
    assert {f for features in SWITCHED_OFF_AT.values() for f in features} == set(HONOURED_BY)
    assert acted_on == set(OBSERVED_BY), "a tier feature without a live observation, or a stale entry"
    for test in set(OBSERVED_BY.values()):
        module, _, name = test.partition("::")
        assert callable(getattr(importlib.import_module(module), name, None)), test
