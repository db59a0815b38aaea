"""Operator routes (tagged admin) need the API token when one is set; customer routes never do."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from fastapi import FastAPI

from aref.config import ArefSettings
from services.base.admin import ADMIN
from services.base.replica import ServiceReplica, create_api
from tests.unit.services.base.test_replica import call, replica

TOKEN = "ops-token"
CUSTOMER_ROUTES = {
    "gateway": {"/api/orders"},
    "orders": {"/", "/{order_id}/confirm", "/{order_id}/cancel"},
    "payments": {"/process", "/{payment_id}/refund"},
    "inventory": {"/reserve", "/release/{reservation_id}", "/commit/{reservation_id}"},
    "notifications": {"/send", "/batch"},
}
"""Every mutating route a customer's order needs; every other one is an operator's."""


def guarded(token: str | None) -> ServiceReplica:
    return replica("inventory", ArefSettings(api_token=token, store="memory"))


def app_for(served: ServiceReplica) -> FastAPI:
    async def current() -> ServiceReplica:
        return served

    api = create_api("test", current)

    @api.post("/replenish", tags=[ADMIN])
    async def replenish(body: dict[str, Any]) -> dict[str, Any]:
        return {"replenished": body}

    @api.post("/reserve")
    async def reserve() -> dict[str, str]:
        return {"reserved": "yes"}

    return api


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": f"Bearer {TOKEN}"}, 200)],
)
def test_an_admin_route_needs_the_token(headers: dict[str, str], status: int) -> None:
    answer = call(app_for(guarded(TOKEN)), "POST", "/replenish", root="/inventory", json={"sku": "A"}, headers=headers)
    assert answer.status_code == status
    assert TOKEN not in answer.text
    if status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"
        assert answer.json()["field"] == "Authorization"


def test_the_token_is_checked_before_the_body_is_read() -> None:
    bad = call(
        app_for(guarded(TOKEN)), "POST", "/replenish", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 401


def test_customer_routes_and_an_unset_token_stay_open() -> None:
    assert call(app_for(guarded(TOKEN)), "POST", "/reserve").status_code == 200
    assert call(app_for(guarded(None)), "POST", "/replenish", json={"sku": "A"}).status_code == 200


@pytest.mark.parametrize("service", sorted(CUSTOMER_ROUTES))
def test_every_mutating_route_is_a_customers_or_tagged_admin(service: str) -> None:
    api: FastAPI = importlib.import_module(f"services.{service}.{service}_app").api
    mutating = {
        (path, method): set(op.get("tags", ()))
        for path, ops in api.openapi()["paths"].items()
        for method, op in ops.items()
        if method not in ("get", "head", "options")
    }
    customer = {path for (path, _), tags in mutating.items() if ADMIN not in tags}
    assert customer == CUSTOMER_ROUTES[service]
