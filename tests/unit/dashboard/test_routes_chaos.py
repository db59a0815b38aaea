"""The chaos routes for the runner: stop one fault, post and list run records (the token: test_auth)."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from aref.control import wire
from aref.control.plane import ControlPlane

RUNS = "/api/aref/chaos/runs"


def test_stop_one_fault_rolls_back_only_that_fault(client: TestClient, plane: ControlPlane) -> None:
    first = client.post("/api/aref/chaos/start", json={"experiment": "inventory_degradation"}).json()
    second = client.post("/api/aref/chaos/start", json={"experiment": "notification_overload"}).json()
    response = client.post(f"/api/aref/chaos/stop/{first['fault_id']}")
    assert response.status_code == 200
    stopped = TypeAdapter(wire.FaultView).validate_python(response.json())
    assert (stopped["fault_id"], stopped["state"], stopped["end_reason"]) == (
        first["fault_id"],
        "rolled_back",
        "stopped by request",
    )
    active = asyncio.run(plane.chaos_status())["active"]
    assert [f["fault_id"] for f in active] == [second["fault_id"]]


AD_HOC = {"service": "payments", "fault_type": "error", "rate": 0.5, "duration_s": 30}


def test_an_ad_hoc_fault_carries_its_label_as_the_experiment(client: TestClient, plane: ControlPlane) -> None:
    started = client.post("/api/aref/chaos/start", json={**AD_HOC, "label": "my_file_experiment"})
    assert started.status_code == 200
    assert (started.json()["experiment"], started.json()["replicas_killed"]) == ("my_file_experiment", [])
    active = asyncio.run(plane.chaos_status())["active"]
    assert [f["experiment"] for f in active] == ["my_file_experiment"]
    again = client.post("/api/aref/chaos/start", json={**AD_HOC, "label": "my_file_experiment"})
    assert again.status_code == 409
    assert "my_file_experiment is already running" in again.json()["error"]
    unlabelled = client.post("/api/aref/chaos/start", json=AD_HOC).json()
    assert unlabelled["experiment"] is None


def test_a_label_with_a_registered_experiment_is_422(client: TestClient) -> None:
    response = client.post("/api/aref/chaos/start", json={"experiment": "inventory_degradation", "label": "x"})
    assert response.status_code == 422
    assert "not both (also got label)" in response.json()["error"]


def test_stopping_an_unknown_fault_is_404_with_the_api_message(client: TestClient) -> None:
    response = client.post("/api/aref/chaos/stop/FLT-nope")
    assert (response.status_code, response.json()) == (404, {"error": "unknown fault: 'FLT-nope'", "field": None})


def test_a_run_record_is_posted_then_listed_newest_first(client: TestClient) -> None:
    for n in (1, 2, 3):
        response = client.post(RUNS, json={"id": f"RUN-{n}", "experiment": "x", "passed": n == 3})
        assert (response.status_code, response.json()) == (201, {"id": f"RUN-{n}"})
    body = client.get(RUNS).json()
    TypeAdapter(wire.RunsView).validate_python(body)
    assert [(r["id"], r["passed"]) for r in body["runs"]] == [("RUN-3", True), ("RUN-2", False), ("RUN-1", False)]
    assert [r["id"] for r in client.get(RUNS, params={"limit": 2}).json()["runs"]] == ["RUN-3", "RUN-2"]


def test_bad_run_records_and_limits_are_422_naming_the_field(client: TestClient) -> None:
    no_id = client.post(RUNS, json={"experiment": "x"})
    assert (no_id.status_code, no_id.json()["field"]) == (422, "id")
    not_an_object = client.post(RUNS, json=[{"id": "RUN-1"}])
    assert not_an_object.status_code == 422
    assert client.get(RUNS, params={"limit": 0}).json()["field"] == "limit"
    assert client.get(RUNS).json() == {"runs": []}
