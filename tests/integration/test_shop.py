"""The shop on Serve: the gateway's 4-step pipeline through DeploymentHandles."""

from __future__ import annotations

from typing import Any

from tests.integration.helpers import ORDER, api


def test_an_order_through_the_gateway_runs_the_four_step_pipeline(stack: Any) -> None:
    reply = api("POST", "/gateway/api/orders", json=ORDER)
    assert reply.status_code in (200, 201), reply.text
    body = reply.json()
    steps = body["pipeline"]["steps"]
    assert [s["step"] for s in steps] == ["create_order", "process_payment", "reserve_stock", "send_receipt"]
    assert all(s["status"] == "ok" for s in steps), steps
    assert all(s["latency_ms"] >= 0 for s in steps)
    assert body["order"]["id"]
    assert body["pipeline"]["total_ms"] >= max(s["latency_ms"] for s in steps)


def test_every_service_answers_its_health_endpoints(stack: Any) -> None:
    for service in ("gateway", "orders", "payments", "inventory", "notifications"):
        for path in ("health", "healthz", "readyz", "info"):
            reply = api("GET", f"/{service}/{path}")
            assert reply.status_code == 200, (service, path, reply.text)
        metrics = api("GET", f"/{service}/metrics")
        assert metrics.status_code == 200
        assert "requests" in metrics.text


def test_an_order_is_shared_state_every_orders_replica_can_serve(stack: Any) -> None:
    placed = api("POST", "/gateway/api/orders", json=ORDER).json()
    order = placed["order"]
    stored = api("GET", f"/orders/{order['id']}")
    assert stored.status_code == 200, stored.text
    assert stored.json()["id"] == order["id"]
    assert stored.json()["status"] == order["status"]
