from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from aref.config import ArefSettings, load_settings
from aref.errors import ConflictError, InvalidInputError
from aref.store import MemoryStore, SqliteStore
from aref.testing import FakeClock
from services.base.link import ReplicaIdentity
from services.base.replica import ServiceReplica, create_api, open_shop_store, parse
from tests.unit.services.fakes import FakeLink


class Body(BaseModel):
    amount: float = Field(gt=0)


def replica(service: str = "orders", settings: ArefSettings | None = None) -> ServiceReplica:
    identity = ReplicaIdentity(service, f"{service}#{service}#r1", f"SERVE_REPLICA::{service}#{service}#r1", 77)
    return ServiceReplica(
        service,
        settings=settings or load_settings(),
        link=FakeLink(),
        clock=FakeClock(500.0),
        store=MemoryStore(),
        identity=identity,
        autostart=False,
    )


def app_for(served: ServiceReplica) -> FastAPI:
    async def current() -> ServiceReplica:
        return served

    api = create_api("test", current)

    @api.post("/")
    async def create(body: Body) -> dict[str, Any]:
        return {"amount": body.amount}

    @api.post("/conflict")
    async def conflict() -> None:
        raise ConflictError("order ORD-1 is cancelled")

    return api


def call(api: FastAPI, method: str, path: str, *, root: str = "", **kwargs: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=api, root_path=root)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
            return await client.request(method, root + path, **kwargs)

    return asyncio.run(send())


def test_health_reports_the_replica() -> None:
    served = replica()
    answer = call(app_for(served), "GET", "/health")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["service"], body["replica_id"], body["requests"], body["status"]) == (
        "orders",
        "orders#orders#r1",
        0,
        "healthy",
    )


def test_liveness_readiness_and_info() -> None:
    served = replica("payments")
    api = app_for(served)

    assert call(api, "GET", "/healthz").json() == {"status": "alive", "replica_id": "payments#payments#r1"}
    assert call(api, "GET", "/readyz").json() == {
        "ready": True,
        "reason": "ready",
        "replica_id": "payments#payments#r1",
    }
    info = call(api, "GET", "/info").json()
    assert (info["name"], info["dependencies"], info["dependents"]) == (
        "payments",
        [],
        ["gateway"],
    )
    assert info["actor_name"] == "SERVE_REPLICA::payments#payments#r1"


def test_readyz_answers_503_while_not_ready_or_when_the_store_is_gone() -> None:
    served = replica()
    served.ready = False
    assert call(app_for(served), "GET", "/readyz").status_code == 503

    served.ready = True
    served.store = _closed_store()
    answer = call(app_for(served), "GET", "/readyz")
    assert (answer.status_code, answer.json()["reason"]) == (503, "store unavailable: StoreError")


def _closed_store() -> SqliteStore:
    import tempfile

    store = SqliteStore(Path(tempfile.mkdtemp()) / "shop.sqlite3")
    store.close()
    return store


def test_metrics_are_the_replicas_own_in_prometheus_text() -> None:
    served = replica()
    asyncio.run(served.runtime.run("create_order", lambda _: "ok"))

    answer = call(app_for(served), "GET", "/metrics")

    assert answer.headers["content-type"].startswith("text/plain")
    assert (
        'aref_service_requests_total{op="create_order",outcome="ok",replica="orders#orders#r1",service="orders"} 1.0'
        in answer.text
    )


def test_a_bad_body_is_a_422_naming_the_field() -> None:
    answer = call(app_for(replica()), "POST", "/", json={"amount": -1})

    assert answer.status_code == 422
    assert answer.json() == {"error": "amount: Input should be greater than 0", "field": "amount"}


@pytest.mark.parametrize("body", [b'{"amount": ', b"\xf4\x88"], ids=["cut", "bytes"])
def test_a_body_that_is_not_json_is_a_422_naming_the_body(body: bytes) -> None:
    answer = call(app_for(replica()), "POST", "/", content=body, headers={"content-type": "application/json"})

    assert answer.status_code == 422
    assert answer.json()["field"] == "body"


def test_starlettes_own_errors_keep_their_status_in_the_error_shape() -> None:
    answer = call(app_for(replica()), "DELETE", "/")

    assert (answer.status_code, answer.json()) == (405, {"error": "Method Not Allowed", "field": None})


def test_a_domain_error_escaping_a_route_keeps_its_status() -> None:
    answer = call(app_for(replica()), "POST", "/conflict")

    assert (answer.status_code, answer.json()) == (409, {"error": "order ORD-1 is cancelled"})


@pytest.mark.parametrize("path", ["", "/"])
def test_the_bare_route_prefix_reaches_the_root_route(path: str) -> None:
    answer = call(app_for(replica()), "POST", path, root="/orders", json={"amount": 2})

    assert (answer.status_code, answer.json()) == (200, {"amount": 2.0})


def test_apply_faults_and_whoami_through_the_base_methods() -> None:
    served = replica()

    ack = asyncio.run(served.apply_faults({"version": 3, "faults": []}))
    me = asyncio.run(served.whoami())

    assert ack == {"replica_id": "orders#orders#r1", "version": 3, "applied": True}
    assert (me["fault_version"], me["pid"]) == (3, 77)


def test_parse_names_the_field_of_a_handle_payload() -> None:
    assert parse(Body, {"amount": 1}).amount == 1.0
    with pytest.raises(InvalidInputError) as caught:
        parse(Body, {"amount": "lots"})
    assert caught.value.field == "amount"


def test_the_shop_store_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    store = open_shop_store(load_settings(data_dir=tmp_path))
    try:
        store.put("orders", "ORD-1", {"id": "ORD-1"})
    finally:
        store.close()

    assert (tmp_path / "shop.sqlite3").exists()
    assert isinstance(open_shop_store(load_settings(store="memory")), MemoryStore)
