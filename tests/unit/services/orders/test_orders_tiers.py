"""Orders under each degradation tier: what the replica refuses (503 + Retry-After, shed) and what always runs."""

from __future__ import annotations

from typing import Any

import pytest

from services.orders.orders_app import Cancel, CreateOrder, OrdersService
from tests.unit.services.fakes import at_tier, handle, http, serve_free

PAYLOAD = {"customer": "ann", "items": [{"sku": "SKU-001", "quantity": 1, "unit_price": 9.5}]}


@pytest.fixture
def orders() -> Any:
    return serve_free(OrdersService, "orders", {"retry_after_s": 12})


def reports_and_listings(replica: Any, order_id: str) -> list[int]:
    return [
        http(replica.http_stats())[0],
        http(replica.http_list(limit=10))[0],
        http(replica.http_audit(limit=10))[0],
        http(replica.http_fulfill(order_id))[0],
    ]


def test_reduced_refuses_only_the_summary(orders: Any) -> None:
    order = handle(orders.create_order(PAYLOAD))["body"]
    handle(orders.confirm_order(order["id"], "PAY-1"))
    at_tier(orders, "reduced")

    status, body, retry_after = http(orders.http_stats())

    assert (status, retry_after, body["feature"], body["tier"]) == (503, "12", "order_reports", "reduced")
    assert reports_and_listings(orders, order["id"]) == [503, 200, 200, 200]
    assert orders.runtime.health()["skipped"] == {"order_reports": 2}
    assert (orders.runtime.errors, orders.runtime.shed_requests) == (0, 2)


def test_minimal_keeps_only_the_core_the_pipeline_calls(orders: Any) -> None:
    kept = handle(orders.create_order(PAYLOAD))["body"]
    handle(orders.confirm_order(kept["id"], "PAY-1"))
    at_tier(orders, "minimal")

    assert reports_and_listings(orders, kept["id"]) == [503, 503, 503, 503]
    assert orders.book.get(kept["id"])["status"] == "confirmed"  # fulfilment never ran
    created = handle(orders.create_order(PAYLOAD))
    assert created["status"] == 201
    new_id = created["body"]["id"]
    assert handle(orders.confirm_order(new_id, "PAY-2"))["status"] == 200
    assert handle(orders.get_order(new_id))["body"]["status"] == "confirmed"
    assert handle(orders.cancel_order(new_id, "stock refused"))["body"]["status"] == "cancelled"
    assert http(orders.http_get(new_id))[0] == 200
    assert orders.runtime.health()["skipped"] == {"order_reports": 1, "order_listings": 2, "order_fulfilment": 1}


def test_emergency_refuses_new_orders_but_settles_the_ones_already_accepted(orders: Any) -> None:
    accepted = handle(orders.create_order(PAYLOAD))["body"]
    at_tier(orders, "emergency")

    refused = handle(orders.create_order(PAYLOAD))
    status, body, retry_after = http(orders.http_create(CreateOrder.model_validate(PAYLOAD)))

    assert (refused["status"], refused["headers"], refused["shed"]) == (503, {"Retry-After": "12"}, True)
    assert (status, retry_after, body["feature"]) == (503, "12", "new_orders")
    assert [o["id"] for o in orders.book.find()] == [accepted["id"]]  # no order was created
    assert handle(orders.confirm_order(accepted["id"], "PAY-1"))["body"]["status"] == "confirmed"
    assert http(orders.http_cancel(accepted["id"], Cancel(reason="customer asked")))[1]["status"] == "cancelled"
    assert (orders.runtime.requests, orders.runtime.errors, orders.runtime.shed_requests) == (3, 0, 2)


def test_lifting_the_tier_brings_everything_back(orders: Any) -> None:
    order = handle(orders.create_order(PAYLOAD))["body"]
    handle(orders.confirm_order(order["id"], "PAY-1"))
    at_tier(orders, "emergency")
    assert handle(orders.create_order(PAYLOAD))["status"] == 503

    at_tier(orders, "full")

    assert handle(orders.create_order(PAYLOAD))["status"] == 201
    assert reports_and_listings(orders, order["id"]) == [200, 200, 200, 200]
    assert orders.book.get(order["id"])["status"] == "fulfilled"
