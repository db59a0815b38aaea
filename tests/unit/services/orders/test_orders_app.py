"""The orders replica's create is safe to repeat with an idempotency key, by handle and over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from services.orders.orders_app import CreateOrder, OrdersService
from tests.unit.services.fakes import handle, http, serve_free

PAYLOAD = {"customer": "ann", "items": [{"sku": "SKU-001", "quantity": 1, "unit_price": 9.5}]}


@pytest.fixture
def orders() -> Any:
    return serve_free(OrdersService, "orders", {})


def test_a_repeated_key_answers_the_same_order_with_200(orders: Any) -> None:
    first = handle(orders.create_order({**PAYLOAD, "idempotency_key": "k-1"}))
    again = handle(orders.create_order({**PAYLOAD, "idempotency_key": "k-1"}))
    other = handle(orders.create_order(PAYLOAD))

    assert (first["status"], again["status"], other["status"]) == (201, 200, 201)
    assert again["body"] == first["body"]
    assert other["body"]["id"] != first["body"]["id"]
    assert len(orders.book.find(limit=10)) == 2


def test_the_http_header_is_the_key_and_a_reuse_for_another_order_is_409(orders: Any) -> None:
    body = CreateOrder.model_validate(PAYLOAD)
    status, created, _ = http(orders.http_create(body, key="k-2"))
    status_again, again, _ = http(orders.http_create(body, key="k-2"))
    other = CreateOrder.model_validate({**PAYLOAD, "customer": "bob"})
    conflict, refused, _ = http(orders.http_create(other, key="k-2"))

    assert (status, status_again, again["id"]) == (201, 200, created["id"])
    assert conflict == 409
    assert "k-2" in refused["error"]
