"""Mutating endpoints need the bearer token when AREF_API_TOKEN is set; reads never do."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from aref.auth import configured_token
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.dashboard.auth import BearerTokenGuard
from aref.errors import InvalidInputError
from tests.unit.dashboard.conftest import TOKEN, make_settings

MUTATIONS: list[tuple[str, dict[str, object]]] = [
    ("/api/aref/chaos/start", {"experiment": "payment_provider_failure"}),
    ("/api/aref/chaos/stop", {}),
    ("/api/aref/chaos/stop/FLT-x", {}),
    ("/api/aref/chaos/runs", {"id": "RUN-x"}),
    ("/api/aref/services/orders/scale", {"replicas": 2}),
    ("/api/aref/adaptation/flags/orders.analytics", {"enabled": False}),
    ("/api/aref/adaptation/traffic/orders", {"weights": {"primary": 90, "backup": 10}}),
    ("/api/aref/absorption/tiers/orders", {"tier": None}),
    ("/api/aref/alerts/ALR-x/ack", {}),
    ("/api/aref/alerts/ALR-x/resolve", {}),
    ("/api/aref/seed", {"incidents": 1}),
    ("/api/aref/recovery/drills", {"service": "orders"}),
    ("/api/aref/recovery/REC-x/steps/approve-remediation/approve", {"by": "ic"}),
    ("/api/aref/load/start", {"profile": "steady", "rate_per_s": 1, "duration_s": 10}),
    ("/api/aref/load/stop", {}),
]


@pytest.fixture
def guarded(plane: ControlPlane) -> TestClient:
    return TestClient(create_app(plane, settings=make_settings(api_token=TOKEN)))


def test_the_list_covers_every_mutating_route(plane: ControlPlane) -> None:
    app = create_app(plane, settings=make_settings(api_token=TOKEN))
    fill = {"{service}": "orders", "{name}": "orders.analytics", "{alert_id}": "ALR-x", "{fault_id}": "FLT-x"}
    fill |= {"{recovery_id}": "REC-x", "{step}": "approve-remediation"}
    posts = set()
    for path, operations in app.openapi()["paths"].items():
        if set(operations) - {"get", "head", "options"}:
            for placeholder, value in fill.items():
                path = path.replace(placeholder, value)
            posts.add(path)
    assert posts == {path for path, _ in MUTATIONS}


@pytest.mark.parametrize(("path", "body"), MUTATIONS, ids=[p for p, _ in MUTATIONS])
def test_a_mutation_without_the_token_is_401(guarded: TestClient, path: str, body: dict[str, object]) -> None:
    response = guarded.post(path, json=body)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["field"] == "Authorization"


@pytest.mark.parametrize(("path", "body"), MUTATIONS, ids=[p for p, _ in MUTATIONS])
def test_a_mutation_with_a_wrong_token_is_403_and_the_token_is_not_echoed(
    guarded: TestClient, path: str, body: dict[str, object]
) -> None:
    response = guarded.post(path, json=body, headers={"Authorization": "Bearer not-the-token"})
    assert response.status_code == 403
    assert response.json()["field"] == "Authorization"
    assert "not-the-token" not in response.text
    assert TOKEN not in response.text


@pytest.mark.parametrize(("path", "body"), MUTATIONS, ids=[p for p, _ in MUTATIONS])
def test_a_mutation_with_the_token_passes_the_guard(guarded: TestClient, path: str, body: dict[str, object]) -> None:
    response = guarded.post(path, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code not in (401, 403), response.text  # the route's own answer (200, 404, 409, ...)
    assert response.status_code < 500
    assert TOKEN not in response.text


@pytest.mark.parametrize(("header", "status"), [(f"Basic {TOKEN}", 401), (TOKEN, 401), (f"bearer {TOKEN}", 200)])
def test_only_a_bearer_credential_counts_and_the_scheme_is_case_insensitive(
    guarded: TestClient, header: str, status: int
) -> None:
    assert guarded.post("/api/aref/chaos/stop", headers={"Authorization": header}).status_code == status


def test_two_authorization_headers_are_refused(guarded: TestClient) -> None:
    headers = [("Authorization", f"Bearer {TOKEN}"), ("Authorization", f"Bearer {TOKEN}")]
    assert guarded.post("/api/aref/chaos/stop", headers=headers).status_code == 401


def test_the_token_is_checked_before_the_body_is_read(guarded: TestClient) -> None:
    response = guarded.post("/api/aref/chaos/start", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 401


def test_the_right_token_lets_a_mutation_through(guarded: TestClient, plane: ControlPlane) -> None:
    response = guarded.post(
        "/api/aref/services/orders/scale", json={"replicas": 2}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200
    assert plane.transport.fleet.count("orders").target == 2


def test_reads_need_no_token(guarded: TestClient) -> None:
    assert guarded.get("/api/aref/status").status_code == 200
    assert guarded.get("/metrics").status_code == 200
    assert guarded.get("/").status_code == 200


def test_without_a_configured_token_mutations_are_open(client: TestClient) -> None:
    assert client.post("/api/aref/chaos/stop").status_code == 200


def test_an_empty_token_cannot_switch_the_guard_on() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        return None

    with pytest.raises(InvalidInputError):
        BearerTokenGuard(app, "")


def test_the_token_is_masked_wherever_the_settings_are_shown() -> None:
    settings = make_settings(api_token=TOKEN)
    assert configured_token(settings.api_token) == TOKEN
    assert TOKEN not in repr(settings)
    assert TOKEN not in settings.model_dump_json()
    assert make_settings(api_token="  ").api_token is None


def test_cross_origin_calls_are_allowed_only_from_configured_origins(plane: ControlPlane) -> None:
    preflight = {"Origin": "http://ops.example", "Access-Control-Request-Method": "POST"}
    closed = TestClient(create_app(plane, settings=make_settings()))
    assert "access-control-allow-origin" not in closed.options("/api/aref/chaos/stop", headers=preflight).headers
    opened = TestClient(create_app(plane, settings=make_settings(api_token=TOKEN, cors_origins=["http://ops.example"])))
    allowed = opened.options("/api/aref/chaos/stop", headers=preflight)
    assert allowed.headers["access-control-allow-origin"] == "http://ops.example"
    refused = opened.post("/api/aref/chaos/stop", headers={"Origin": "http://ops.example"})
    assert (refused.status_code, refused.headers["access-control-allow-origin"]) == (401, "http://ops.example")
    stranger = opened.options("/api/aref/chaos/stop", headers={**preflight, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in stranger.headers


@pytest.mark.parametrize("origins", [["*"], ["https://*.example"], ["ops.example"]])
def test_a_wildcard_or_schemeless_origin_is_refused(origins: list[str]) -> None:
    with pytest.raises(ValidationError, match="cors_origins"):
        make_settings(cors_origins=origins)
