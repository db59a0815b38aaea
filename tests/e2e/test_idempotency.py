"""A client's repeat of an order with its Idempotency-Key answers the same order through Serve."""

from __future__ import annotations

import uuid

from tests.integration.helpers import ORDER, api
from tests.stack import Stack


def test_a_repeated_key_answers_the_same_order_and_a_new_key_a_new_one(stack: Stack) -> None:
    key = f"e2e-{uuid.uuid4().hex}"
    first = api("POST", "/gateway/api/orders", json=ORDER, headers={"Idempotency-Key": key})
    again = api("POST", "/gateway/api/orders", json=ORDER, headers={"Idempotency-Key": key})
    other = api("POST", "/gateway/api/orders", json=ORDER)

    assert first.status_code == 201, first.text
    assert (again.status_code, again.headers["idempotency-key"]) == (201, key)
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert again.json()["payment"]["id"] == first.json()["payment"]["id"]
    assert other.json()["order"]["id"] != first.json()["order"]["id"]
    assert other.headers["idempotency-key"].startswith("gw-")
    payments = api("GET", "/payments", params={"order_id": first.json()["order"]["id"]}).json()
    assert len(payments["payments"]) == 1
