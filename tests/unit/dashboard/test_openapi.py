"""The OpenAPI document: each JSON route answers with its wire TypedDict, and every response schema is described."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from aref.control import wire
from aref.dashboard.routes import ROUTERS

# (method, path, status) -> the wire TypedDict the route answers with
RESPONSES: dict[tuple[str, str, int], type] = {
    ("GET", "/api/aref/status", 200): wire.StatusView,
    ("GET", "/api/aref/services", 200): wire.ServicesView,
    ("POST", "/api/aref/services/{service}/scale", 200): wire.ReplicaView,
    ("GET", "/api/aref/alerts", 200): wire.AlertsView,
    ("POST", "/api/aref/alerts/{alert_id}/ack", 200): wire.AlertView,
    ("POST", "/api/aref/alerts/{alert_id}/resolve", 200): wire.AlertView,
    ("GET", "/api/aref/timeline", 200): wire.TimelineView,
    ("GET", "/api/aref/detection", 200): wire.DetectionView,
    ("GET", "/api/aref/absorption", 200): wire.AbsorptionView,
    ("POST", "/api/aref/absorption/tiers/{service}", 200): wire.TierView,
    ("GET", "/api/aref/controls/applied", 200): wire.AppliedView,
    ("GET", "/api/aref/adaptation", 200): wire.AdaptationView,
    ("POST", "/api/aref/adaptation/flags/{name}", 200): wire.FlagView,
    ("POST", "/api/aref/adaptation/traffic/{service}", 200): wire.TrafficView,
    ("GET", "/api/aref/recovery", 200): wire.RecoveryView,
    ("POST", "/api/aref/recovery/drills", 202): wire.RecoveryRunView,
    ("POST", "/api/aref/recovery/{recovery_id}/steps/{step}/approve", 200): wire.RecoveryRunView,
    ("GET", "/api/aref/evolution", 200): wire.EvolutionView,
    ("GET", "/api/aref/maturity", 200): wire.MaturityView,
    ("GET", "/api/aref/metrics", 200): wire.MetricsView,
    ("GET", "/api/aref/chaos/experiments", 200): wire.ExperimentsView,
    ("POST", "/api/aref/chaos/start", 200): wire.FaultView,
    ("POST", "/api/aref/chaos/stop", 200): wire.ChaosStopView,
    ("POST", "/api/aref/chaos/stop/{fault_id}", 200): wire.FaultView,
    ("GET", "/api/aref/chaos/status", 200): wire.ChaosStatusView,
    ("POST", "/api/aref/chaos/runs", 201): wire.RunSavedView,
    ("GET", "/api/aref/chaos/runs", 200): wire.RunsView,
    ("GET", "/api/aref/load", 200): wire.LoadView,
    ("GET", "/api/aref/load/record", 200): wire.LoadRecordView,
    ("POST", "/api/aref/load/start", 200): wire.LoadView,
    ("POST", "/api/aref/load/stop", 200): wire.LoadView,
    ("POST", "/api/aref/seed", 201): wire.SeededView,
}
FASTAPI_OWN = {"HTTPValidationError", "ValidationError"}  # FastAPI's default 422 body, not an AREF shape
REF = "#/components/schemas/"
WIRE_SHAPES = {
    name: value
    for name, value in vars(wire).items()
    if isinstance(value, type) and hasattr(value, "__total__") and value.__module__.startswith(wire.__name__ + ".")
}


@pytest.fixture
def doc(client: TestClient) -> dict[str, Any]:
    """The OpenAPI document of ``create_app`` over the test plane (conftest)."""
    assert isinstance(client.app, FastAPI)
    return client.app.openapi()


def json_operations(doc: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any]]:
    """(method, path, 2xx status) -> its JSON response schema, for every documented operation."""
    found = {}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if status.startswith("2") and schema is not None:
                    found[(method.upper(), path, int(status))] = schema
    return found


def referenced(schema: Any) -> set[str]:
    """The component names a schema refers to, directly."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        own = {ref.removeprefix(REF)} if isinstance(ref, str) else set()
        return own.union(*(referenced(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(referenced(v) for v in schema))
    return set()


def response_components(doc: dict[str, Any]) -> set[str]:
    """Every component a response (success or error) reaches, transitively."""
    components = doc["components"]["schemas"]
    todo = referenced([r for ops in doc["paths"].values() for op in ops.values() for r in op["responses"].values()])
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo |= referenced(components[name])
    return seen


def test_every_json_route_is_listed_with_its_wire_shape(doc: dict[str, Any]) -> None:
    assert set(json_operations(doc)) == set(RESPONSES)


@pytest.mark.parametrize(("key", "shape"), RESPONSES.items(), ids=[f"{m} {p}" for m, p, _ in RESPONSES])
def test_a_route_answers_with_its_wire_typeddict(doc: dict[str, Any], key: tuple[str, str, int], shape: type) -> None:
    method, path, status = key
    routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    route = next(r for r in routes if r.path == path and method in r.methods)
    assert (route.response_model, route.status_code or 200) == (shape, status)
    assert json_operations(doc)[key] == {"$ref": f"{REF}{shape.__name__}"}
    component = doc["components"]["schemas"][shape.__name__]
    assert list(component["properties"]) == list(shape.__annotations__)
    assert component["required"] == list(shape.__annotations__)  # total: every key is always there


def test_the_response_components_are_the_wire_shapes_and_the_error_body(doc: dict[str, Any]) -> None:
    assert response_components(doc) - FASTAPI_OWN == set(WIRE_SHAPES) | {"ErrorBody"}


def test_every_property_of_every_response_component_has_a_description(doc: dict[str, Any]) -> None:
    components = doc["components"]["schemas"]
    undescribed = [
        f"{name}.{prop}"
        for name in sorted(response_components(doc) - FASTAPI_OWN)
        for prop, schema in components[name]["properties"].items()
        if not schema.get("description")
    ]
    assert undescribed == []
    assert [n for n in response_components(doc) - FASTAPI_OWN if not components[n].get("description")] == []


def test_only_the_pillar_views_declare_extra_keys(doc: dict[str, Any]) -> None:
    components = doc["components"]["schemas"]
    open_ = {n for n in response_components(doc) if components[n].get("additionalProperties") is True}
    assert open_ == {
        "DetectionView",
        "AbsorptionView",
        "AdaptationView",
        "RecoveryView",
        "EvolutionView",
        "RecoveryRunView",
    }
