"""The one error mapping: AREF errors and request validation to HTTP, never a 500 for bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from aref.control.plane import ControlPlane
from aref.dashboard.errors import field_name
from aref.errors import ArefError, ConflictError, InvalidInputError, NotFoundError, RejectedError, StoreError
from aref.models import HealthSample
from aref.testing import FakeClock

START = "/api/aref/chaos/start"


def fault(**overrides: Any) -> dict[str, Any]:
    return {"service": "payments", "fault_type": "error", "rate": 0.5, "duration_s": 60, **overrides}


def test_unknown_service_is_404_with_a_message(client: TestClient) -> None:
    for response in (
        client.post("/api/aref/services/billing/scale", json={"replicas": 2}),
        client.post(START, json=fault(service="billing")),
        client.post("/api/aref/adaptation/traffic/billing", json={"weights": {"primary": 100}}),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "unknown service: 'billing'", "field": None}


def test_unknown_experiment_alert_and_flag_are_404(client: TestClient) -> None:
    assert client.post(START, json={"experiment": "meteor"}).json() == {
        "error": "unknown experiment: 'meteor'",
        "field": None,
    }
    assert client.post("/api/aref/alerts/ALR-0/ack").status_code == 404
    assert client.post("/api/aref/alerts/ALR-0/resolve").status_code == 404
    assert client.post("/api/aref/adaptation/flags/orders.teleport", json={"enabled": True}).status_code == 404
    assert client.post("/api/aref/adaptation/flags/orders.auth", json={"enabled": False}).status_code == 404  # removed


@pytest.mark.parametrize(
    ("overrides", "field", "bound"),
    [
        ({"rate": 0.95}, "rate", "<= 0.9 (safety bound), got 0.95"),
        ({"duration_s": 600}, "duration_s", "<= 300 s (safety bound), got 600"),
    ],
)
def test_fault_beyond_a_safety_bound_is_422_naming_the_bound(
    client: TestClient, overrides: dict[str, Any], field: str, bound: str
) -> None:
    response = client.post(START, json=fault(**overrides))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert body["error"].startswith(f"{field}: ")
    assert body["error"].endswith(bound)


def test_unknown_fault_type_is_422(client: TestClient) -> None:
    body = client.post(START, json=fault(fault_type="meteor")).json()
    assert body["field"] == "fault_type"


@pytest.mark.parametrize(
    "body", [b'{"experiment": ', b"\xf4\x88", b'{"experiment": "\xff"}'], ids=["cut", "bytes", "latin1"]
)
def test_malformed_json_is_422_naming_the_body(client: TestClient, body: bytes) -> None:
    response = client.post(START, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["field"] == "body"


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/aref/services/orders/scale", {"replicas": "three"}, "replicas"),
        ("/api/aref/services/orders/scale", {"replicas": 2.5}, "replicas"),
        ("/api/aref/services/orders/scale", {}, "replicas"),
        ("/api/aref/adaptation/flags/orders.analytics", {"enabled": "yes"}, "enabled"),
        ("/api/aref/adaptation/traffic/orders", {"weights": {"primary": "all"}}, "weights.primary"),
        ("/api/aref/absorption/tiers/orders", {"tier": "panic"}, "tier"),
        ("/api/aref/absorption/tiers/orders", {}, "tier"),
        (START, {"service": "payments", "fault_type": "error", "rate": "high", "duration_s": 10}, "rate"),
    ],
)
def test_pydantic_validation_is_422_naming_the_field(
    client: TestClient, path: str, payload: dict[str, Any], field: str
) -> None:
    response = client.post(path, json=payload)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_a_start_needs_exactly_one_form(client: TestClient) -> None:
    missing = client.post(START, json={"service": "payments", "rate": 0.5})
    assert missing.status_code == 422
    assert missing.json()["error"] == (
        "body: give 'experiment', or a fault with service, fault_type, rate, duration_s "
        "(missing fault_type, duration_s)"
    )
    both = client.post(START, json={"experiment": "payment_provider_failure", "rate": 0.5})
    assert both.status_code == 422
    assert "not both" in both.json()["error"]


def test_domain_rules_are_422_with_their_field(client: TestClient) -> None:
    cases = [
        (client.post("/api/aref/services/orders/scale", json={"replicas": 9}), "replicas"),
        (client.post("/api/aref/adaptation/traffic/orders", json={"weights": {"primary": 60}}), "weights"),
        (client.get("/api/aref/timeline", params={"limit": 0}), "limit"),
        (client.get("/api/aref/timeline", params={"category": "weather"}), "category"),
        (client.get("/api/aref/maturity", params={"profile": "reckless"}), "profile"),
    ]
    for response, field in cases:
        assert (response.status_code, response.json()["field"]) == (422, field)


def test_conflicts_are_409(client: TestClient, plane: ControlPlane, clock: FakeClock) -> None:
    assert client.post(START, json={"experiment": "payment_provider_failure"}).status_code == 200
    second = client.post(START, json={"experiment": "payment_provider_failure"})
    assert second.status_code == 409
    assert second.json()["error"].startswith("experiment payment_provider_failure is already running as fault FLT-")
    for _ in range(3):
        clock.advance(1)
        plane.transport.ingest(HealthSample("orders", clock.now(), 100, 50))
    alert_id = plane.transport.service("detection").engine.active_alerts()[0].id
    assert client.post(f"/api/aref/alerts/{alert_id}/ack").status_code == 200
    again = client.post(f"/api/aref/alerts/{alert_id}/ack")
    assert (again.status_code, again.json()["error"]) == (409, f"alert {alert_id} is already acknowledged")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RejectedError("bulkhead", "payments", "full"), 429),
        (StoreError("disk full"), 400),
        (ArefError("something expected"), 400),
        (ConflictError("not now"), 409),
        (NotFoundError("runbook", "x"), 404),
        (InvalidInputError("thing", "bad"), 422),
    ],
)
def test_every_aref_error_maps_to_its_status(
    client: TestClient, plane: ControlPlane, monkeypatch: pytest.MonkeyPatch, error: ArefError, status: int
) -> None:
    async def fail() -> dict[str, Any]:
        raise error

    monkeypatch.setattr(plane, "recovery", fail)
    response = client.get("/api/aref/recovery")
    assert response.status_code == status
    assert response.json() == {"error": str(error), "field": getattr(error, "field", None)}


def test_unknown_routes_and_methods_keep_the_error_shape(client: TestClient) -> None:
    assert client.get("/api/aref/nothing").json() == {"error": "Not Found", "field": None}
    wrong = client.delete("/api/aref/status")
    assert (wrong.status_code, wrong.json()["error"]) == (405, "Method Not Allowed")


field_cases: list[tuple[tuple[object, ...], str, str]] = [
    (("body", "rate"), "float_parsing", "rate"),
    (("body", "weights", "primary"), "int_type", "weights.primary"),
    (("query", "limit"), "int_parsing", "limit"),
    (("body", 12), "json_invalid", "body"),
    (("body",), "value_error", "body"),
    ((), "missing", "body"),
]


@pytest.mark.parametrize(("loc", "kind", "expected"), field_cases)
def test_field_name_drops_the_location(loc: tuple[object, ...], kind: str, expected: str) -> None:
    assert field_name(loc, kind) == expected
