"""POST /api/aref/seed over the in-memory engines: demo history in, shown by the views, never measured
(the token: test_auth)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from aref.control import wire
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.evolution.demo_history import past_incidents
from aref.records import to_record
from aref.store import Collection
from aref.testing import FakeClock
from tests.unit.dashboard.conftest import TOKEN, make_settings

SEED = "/api/aref/seed"


def test_seeding_adds_reviewed_incidents_the_evolution_view_shows(
    client: TestClient, plane: ControlPlane, clock: FakeClock
) -> None:
    response = client.post(SEED, json={"incidents": 3})
    assert response.status_code == 201
    body = TypeAdapter(wire.SeededView).validate_python(response.json())
    assert body == {
        "incidents": 3,
        "reviews": 3,
        "action_items": len(plane.transport.store.list(Collection.ACTION_ITEMS)),
        "events": sum(len(p.chain) for p in past_incidents(1, 3, clock.now())),
    }
    evolution = client.get("/api/aref/evolution").json()
    assert evolution["reviews"]["total"] == 3
    assert sorted(r["incident_id"] for r in evolution["reviews"]["recent"]) == [f"INC-SEED-000{n}" for n in (1, 2, 3)]
    assert all(r["title"].startswith("[demo] ") for r in evolution["reviews"]["recent"])
    assert evolution["actions"]["total"] == body["action_items"] > 0


def test_the_timeline_gets_the_review_events_marked_as_seeded_and_nothing_else(client: TestClient) -> None:
    client.post(SEED, json={"incidents": 2})
    events = client.get("/api/aref/timeline", params={"limit": 1000}).json()["events"]
    assert {e["topic"] for e in events} <= {"evolution.review_generated", "evolution.recurrence_detected"}
    assert len([e for e in events if e["topic"] == "evolution.review_generated"]) == 2
    assert all(e["payload"]["seeded"] is True for e in events)


def test_seeding_twice_adds_more_with_new_ids(client: TestClient, plane: ControlPlane) -> None:
    client.post(SEED, json={"incidents": 2})
    client.post(SEED, json={"incidents": 3})
    ids = sorted(r["id"] for r in plane.transport.store.list(Collection.INCIDENTS))
    assert ids == [f"INC-SEED-000{n}" for n in range(1, 6)]
    assert client.get("/api/aref/evolution").json()["reviews"]["total"] == 5


def test_demo_history_is_not_measured(client: TestClient, plane: ControlPlane) -> None:
    client.post(SEED, json={"incidents": 4})
    metrics = client.get("/api/aref/metrics").json()
    assert (metrics["mttd"]["incidents"], metrics["mttr"]["incidents"]) == (0, 0)
    assert metrics["mttd"]["seconds"] is None
    assert len(plane.transport.store.list(Collection.INCIDENTS)) == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"incidents": 0}, "incidents"),
        ({"incidents": 101}, "incidents"),
        ({"incidents": "3"}, "incidents"),
        ({"incidents": 2.5}, "incidents"),
        ({"incidents": True}, "incidents"),
        ({}, "incidents"),
        ({"count": 3}, "incidents"),
    ],
)
def test_a_bad_count_is_422_naming_incidents(client: TestClient, body: dict[str, object], field: str) -> None:
    response = client.post(SEED, json=body)
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert response.json()["error"].startswith("incidents: ")


def test_a_body_that_is_not_json_is_422_naming_the_body(client: TestClient, plane: ControlPlane) -> None:
    response = client.post(SEED, content=b"{incidents: 3", headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["field"]) == (422, "body")
    assert plane.transport.store.list(Collection.INCIDENTS) == []


def test_with_a_token_configured_seeding_needs_it(plane: ControlPlane) -> None:
    guarded = TestClient(create_app(plane, settings=make_settings(api_token=TOKEN)))
    assert guarded.post(SEED, json={"incidents": 1}).status_code == 401
    assert plane.transport.store.list(Collection.INCIDENTS) == []
    allowed = guarded.post(SEED, json={"incidents": 1}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 201
    assert [r["id"] for r in plane.transport.store.list(Collection.INCIDENTS)] == ["INC-SEED-0001"]
    assert (
        to_record(plane.transport.service("evolution").engine.review("INC-SEED-0001"))["incident_id"] == "INC-SEED-0001"
    )
