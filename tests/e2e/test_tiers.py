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
hold up may remain; the test checks the pinned tier's effect is gone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
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
    DegradationPolicy,
)
from tests.integration.helpers import ORDER, api, running_ids
from tests.stack import Stack, wait_for

pytestmark = pytest.mark.usefixtures("stack")
APPLY_WITHIN_S = 20.0
STEP_DOWN_S = DegradationPolicy().step_down_after + APPLY_WITHIN_S
REST_WITHIN_S = 2 * STEP_DOWN_S  # an earlier fault's alerts resolve (or end no_data), then the tier steps down


def pin(service: str, tier: str | None) -> dict[str, Any]:
    reply = api("POST", f"/api/aref/absorption/tiers/{service}", json={"tier": tier})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def applied_tiers(service: str) -> dict[str, str]:
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    return {r["replica_id"]: r["applied"]["tier"] for r in reply.json()["replicas"] if r["service"] == service}


def at_rest(service: str) -> bool:
    """``service`` has no active alert and every running replica of it reports the full tier and
    every flag on (no earlier alert's tier, no flag adaptation shed, is still in force)."""
    if any(a["service"] == service for a in api("GET", "/api/aref/alerts").json()["active"]):
        return False
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    applied = {r["replica_id"]: r["applied"] for r in reply.json()["replicas"] if r["service"] == service}
    ids = running_ids(service)
    return bool(ids) and all(
        i in applied and applied[i]["tier"] == "full" and all(applied[i]["flags"].values()) for i in ids
    )


def every_replica(service: str, accept: set[str]) -> bool:
    """Every running replica of ``service`` reported applying a tier in ``accept``."""
    tiers = applied_tiers(service)
    ids = running_ids(service)
    return bool(ids) and all(tiers.get(i) in accept for i in ids)


@pytest.fixture
def pinned() -> Iterator[list[str]]:
    """Services this test pinned; their pins are lifted whatever happens."""
    services: list[str] = []
    yield services
    for service in services:
        pin(service, None)


def why(service: str) -> str:
    """What absorption holds ``service`` at and why, for a failure message."""
    view = api("GET", "/api/aref/absorption").json()
    alerts = [
        f"{a['id']} {a['severity']} {a['detector']} {a['metric']}={a['value']} (bound {a['threshold']})"
        for a in api("GET", "/api/aref/alerts").json()["active"]
        if a["service"] == service
    ]
    return (
        f"degradation {view['degradation'].get(service)}, alerts {alerts}, "
        f"breakers { {e: b.get('state') for e, b in view['breakers'].items() if service in e} }, "
        f"applied {applied_tiers(service)}, running {sorted(running_ids(service))}"
    )


def rested(service: str) -> None:
    """Wait until ``service`` is at rest: a test that expects the full tier back after lifting its pin
    must not start while an earlier test's alert or shed flag still holds the service."""
    try:
        wait_for(lambda: at_rest(service), timeout=REST_WITHIN_S, what=f"{service} at rest before the test")
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why(service)}") from None


def settle(service: str, accept: set[str], what: str, timeout: float = APPLY_WITHIN_S) -> None:
    try:
        wait_for(lambda: every_replica(service, accept), timeout=timeout, what=what)
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why(service)}") from None


def hold(pinned: list[str], service: str, tier: str) -> None:
    pinned.append(service)
    assert pin(service, tier) == {"service": service, "tier": tier, "pinned": True}
    settle(service, {tier}, f"{service} replicas at {tier}")


def lift(service: str, leaving: str, still_ok: set[str]) -> None:
    """Lift the pin; absorption may hold a tier of its own a while (an alert the test's own calls
    re-fired ends no_data once they stop), so the replicas get up to ``REST_WITHIN_S`` to leave it."""
    assert pin(service, None)["pinned"] is False
    settle(service, still_ok, f"{service} replicas off {leaving}", timeout=REST_WITHIN_S)


def delivered_again(priority: str) -> None:
    """After a lift: a ``priority`` message is delivered (within ``REST_WITHIN_S``, as ``lift``)."""
    try:
        wait_for(lambda: send(priority)["status"] == "delivered", timeout=REST_WITHIN_S, what=f"a {priority} delivery")
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why('notifications')}") from None


def send(priority: str) -> dict[str, Any]:
    body = {"channel": "email", "recipient": "tiers@example.com", "message": "tier check", "priority": priority}
    reply = api("POST", "/notifications/send", json=body)
    assert reply.status_code in (200, 201), reply.text
    return dict(reply.json())


def steps(order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["step"]: s for s in order["pipeline"]["steps"]}


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


def refused(method: str, path: str, feature: str, tier: str, **kwargs: Any) -> None:
    """``path`` answers 503 with ``Retry-After``, naming the feature the tier switched off."""
    reply = api(method, path, **kwargs)
    assert reply.status_code == 503, reply.text
    assert int(reply.headers["Retry-After"]) > 0
    body = reply.json()
    assert (body["status"], body["feature"], body["tier"]) == ("refused", feature, tier), body


def skipped(service: str, feature: str) -> int:
    """The replicas' own count of ``feature`` work skipped (as they last pushed it)."""
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    return sum(r["skipped"].get(feature, 0) for r in reply.json()["replicas"] if r["service"] == service)


def counted(service: str, feature: str, above: int) -> None:
    wait_for(lambda: skipped(service, feature) > above, timeout=APPLY_WITHIN_S, what=f"{service} counts {feature}")


def ok(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """``path`` answers 2xx. A tier's refusal is retried within ``REST_WITHIN_S``: after a lift,
    absorption may still hold a tier of its own for an alert (named in the failure)."""
    last: list[httpx.Response] = []

    def answered() -> bool:
        last.append(api(method, path, **kwargs))
        if last[-1].status_code != 503:
            return True
        try:
            return bool(last[-1].json().get("status") != "refused")
        except ValueError:  # not a replica's answer: judged below
            return True

    try:
        wait_for(answered, timeout=REST_WITHIN_S, what=f"{method} {path} not refused by a tier")
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why(path.split('/')[1])}") from None
    reply = last[-1]
    assert reply.status_code in (200, 201), reply.text
    assert "Retry-After" not in reply.headers
    return dict(reply.json())


def placed() -> dict[str, Any]:
    """An order through the gateway whose core steps all ran."""
    order = ok("POST", "/gateway/api/orders", json=ORDER)
    found = steps(order)
    assert [found[s]["status"] for s in ("create_order", "process_payment", "reserve_stock")] == ["ok"] * 3, found
    return order


def test_orders_reduced_refuses_the_summary_but_lists_and_lifting_brings_it_back(pinned: list[str]) -> None:
    rested("orders")
    before = skipped("orders", "order_reports")
    hold(pinned, "orders", "reduced")

    refused("GET", "/orders/stats/summary", "order_reports", "reduced")
    assert ok("GET", "/orders?limit=5")["count"] >= 0
    counted("orders", "order_reports", before)

    lift("orders", "reduced", {"full"})
    assert ok("GET", "/orders/stats/summary")["total"] >= 1


def test_orders_minimal_refuses_listings_audit_and_fulfilment_while_the_pipeline_completes(pinned: list[str]) -> None:
    hold(pinned, "orders", "minimal")

    order = placed()["order"]
    refused("GET", "/orders?limit=5", "order_listings", "minimal")
    refused("GET", f"/orders/audit/log?order_id={order['id']}", "order_listings", "minimal")
    refused("POST", f"/orders/{order['id']}/fulfill", "order_fulfilment", "minimal")
    assert ok("GET", f"/orders/{order['id']}")["status"] == "confirmed"

    lift("orders", "minimal", {"full", "reduced"})
    assert ok("GET", f"/orders/audit/log?order_id={order['id']}")["count"] >= 2
    assert ok("POST", f"/orders/{order['id']}/fulfill")["status"] == "fulfilled"


def test_orders_emergency_refuses_new_orders_directly_and_through_the_gateway(pinned: list[str]) -> None:
    accepted = ok("POST", "/orders", json=ORDER)
    hold(pinned, "orders", "emergency")

    refused("POST", "/orders", "new_orders", "emergency", json=ORDER)
    through = api("POST", "/gateway/api/orders", json=ORDER)
    assert through.status_code == 503, through.text
    assert int(through.headers["Retry-After"]) > 0
    assert through.json()["order"] is None  # refused at its first step: nothing was paid or reserved
    assert ok("POST", f"/orders/{accepted['id']}/cancel", json={"reason": "tier test"})["status"] == "cancelled"

    lift("orders", "emergency", {"full", "reduced", "minimal"})
    assert ok("POST", "/orders", json=ORDER)["status"] == "pending"


def test_payments_reduced_refuses_summary_and_settlement_but_lists(pinned: list[str]) -> None:
    rested("payments")
    hold(pinned, "payments", "reduced")

    refused("GET", "/payments/stats/summary", "payment_reports", "reduced")
    refused("POST", "/payments/settle", "payment_settlement", "reduced")
    assert ok("GET", "/payments?limit=5")["count"] >= 0

    lift("payments", "reduced", {"full"})
    assert ok("GET", "/payments/stats/summary")["total"] >= 1
    assert ok("POST", "/payments/settle")["count"] >= 0


def test_payments_minimal_refuses_the_listing_while_payments_and_provider_health_work(pinned: list[str]) -> None:
    before = skipped("payments", "payment_listings")
    hold(pinned, "payments", "minimal")

    payment = placed()["payment"]
    refused("GET", "/payments?limit=5", "payment_listings", "minimal")
    assert ok("GET", f"/payments/{payment['id']}")["status"] == "captured"
    assert ok("GET", "/payments/providers/health")["providers"]
    counted("payments", "payment_listings", before)

    lift("payments", "minimal", {"full", "reduced"})
    assert ok("GET", "/payments?limit=5")["count"] >= 1


def test_inventory_reduced_defers_the_restock_and_refuses_summary_and_sweep(pinned: list[str]) -> None:
    sku, threshold = "SKU-004", 100  # a SKU the load generators leave alone; the app's default restock_below
    start = ok("GET", f"/inventory/stock/{sku}")["available"]
    adjust = {"sku": sku, "reason": "tier test"}
    if start != threshold + 50:
        ok("POST", "/inventory/adjust", json={**adjust, "delta": threshold + 50 - start})
    rested("inventory")
    hold(pinned, "inventory", "reduced")
    before = skipped("inventory", "stock_restock")

    low = ok("POST", "/inventory/reserve", json={"order_id": "tier-e2e-1", "sku": sku, "quantity": 60})
    assert low["restock_deferred"] == [sku]
    assert ok("GET", f"/inventory/stock/{sku}")["available"] == threshold - 10  # no restock ordered
    refused("GET", "/inventory/stats", "stock_reports", "reduced")
    refused("POST", "/inventory/sweep", "stock_sweep", "reduced")
    counted("inventory", "stock_restock", before)

    lift("inventory", "reduced", {"full"})
    again = ok("POST", "/inventory/reserve", json={"order_id": "tier-e2e-2", "sku": sku, "quantity": 1})
    assert "restock_deferred" not in again
    assert ok("GET", f"/inventory/stock/{sku}")["available"] > threshold  # the deferred restock was ordered
    assert ok("GET", "/inventory/stats")["skus"] >= 1
    for held in (*low["reservations"], *again["reservations"]):
        ok("POST", f"/inventory/release/{held['id']}")
    back = start - ok("GET", f"/inventory/stock/{sku}")["available"]
    if back:
        ok("POST", "/inventory/adjust", json={**adjust, "delta": back})


def test_inventory_minimal_refuses_stock_list_catalog_and_movements_while_the_pipeline_completes(
    pinned: list[str],
) -> None:
    hold(pinned, "inventory", "minimal")

    order = placed()
    refused("GET", "/inventory/stock", "stock_listings", "minimal")
    refused("GET", "/inventory/catalog", "stock_listings", "minimal")
    refused("GET", "/inventory/movements?limit=5", "stock_listings", "minimal")
    [held] = order["stock"]["reservations"]
    assert ok("GET", f"/inventory/reservations/{held['id']}")["status"] == "held"
    assert ok("GET", "/inventory/stock/SKU-001")["sku"] == "SKU-001"

    lift("inventory", "minimal", {"full", "reduced"})
    assert len(ok("GET", "/inventory/catalog")["catalog"]) >= 1


def test_payments_and_inventory_in_emergency_still_serve_the_order_pipelines_core(pinned: list[str]) -> None:
    hold(pinned, "payments", "emergency")
    hold(pinned, "inventory", "emergency")

    order = placed()
    assert order["payment"]["status"] == "captured"
    refused("GET", "/payments?limit=5", "payment_listings", "emergency")
    refused("GET", "/inventory/catalog", "stock_listings", "emergency")

    lift("payments", "emergency", {"full", "reduced", "minimal"})
    lift("inventory", "emergency", {"full", "reduced", "minimal"})


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
OBSERVED_BY: dict[tuple[str, str], Callable[..., None]] = {
    (NOTIFICATION_RETRIES, "notifications"): test_reduced_attempts_a_failing_message_once,
    (
        LOW_PRIORITY_NOTIFICATIONS,
        "notifications",
    ): test_reduced_sheds_low_priority_notifications_and_lifting_delivers_them_again,
    (NORMAL_PRIORITY_NOTIFICATIONS, "notifications"): test_minimal_sheds_normal_notifications_but_delivers_high,
    (ORDER_RECEIPTS, "gateway"): test_minimal_keeps_the_order_pipelines_core_and_skips_the_receipt,
    (NEW_ORDERS, "gateway"): test_emergency_refuses_new_orders_with_503_and_retry_after_until_lifted,
    (NEW_ORDERS, "orders"): test_orders_emergency_refuses_new_orders_directly_and_through_the_gateway,
    (ORDER_REPORTS, "orders"): test_orders_reduced_refuses_the_summary_but_lists_and_lifting_brings_it_back,
    (ORDER_LISTINGS, "orders"): test_orders_minimal_refuses_listings_audit_and_fulfilment_while_the_pipeline_completes,
    (
        ORDER_FULFILMENT,
        "orders",
    ): test_orders_minimal_refuses_listings_audit_and_fulfilment_while_the_pipeline_completes,
    (PAYMENT_REPORTS, "payments"): test_payments_reduced_refuses_summary_and_settlement_but_lists,
    (PAYMENT_SETTLEMENT, "payments"): test_payments_reduced_refuses_summary_and_settlement_but_lists,
    (PAYMENT_LISTINGS, "payments"): test_payments_minimal_refuses_the_listing_while_payments_and_provider_health_work,
    (STOCK_REPORTS, "inventory"): test_inventory_reduced_defers_the_restock_and_refuses_summary_and_sweep,
    (STOCK_SWEEP, "inventory"): test_inventory_reduced_defers_the_restock_and_refuses_summary_and_sweep,
    (STOCK_RESTOCK, "inventory"): test_inventory_reduced_defers_the_restock_and_refuses_summary_and_sweep,
    (
        STOCK_LISTINGS,
        "inventory",
    ): test_inventory_minimal_refuses_stock_list_catalog_and_movements_while_the_pipeline_completes,
}


def test_no_tier_switches_off_a_feature_no_test_observes() -> None:
    acted_on = {(feature, service) for feature, services in HONOURED_BY.items() for service in services}
    assert {f for features in SWITCHED_OFF_AT.values() for f in features} == set(HONOURED_BY)
    assert acted_on == set(OBSERVED_BY), "a tier feature without a live observation, or a stale entry"
