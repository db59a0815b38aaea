"""Degradation tiers in orders, payments and inventory on the running stack (the tiers of
notifications and the gateway, and the map of every switched-off feature to its test, are in
test_tiers.py): each tier refuses what it switches off with 503 and ``Retry-After`` naming the
feature, counted in the replicas' own ``skipped``, keeps the order pipeline's core, and lifting it
brings the behaviour back.
"""

from __future__ import annotations

import pytest

from tests.e2e.tiers import (
    counted,
    hold,
    lift,
    ok,
    placed,
    refused,
    rested,
    skipped,
)
from tests.integration.helpers import ORDER, api

pytestmark = pytest.mark.usefixtures("stack")


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
