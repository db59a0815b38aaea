"""POST /api/aref/recovery/drills and the approval of a waiting step, over the in-memory engines."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from aref.control import wire
from aref.control.plane import ControlPlane
from aref.testing import FakeClock
from tests.unit.dashboard.traffic import run_traffic

DRILLS = "/api/aref/recovery/drills"
DEFAULT = ["t0-emergency-stabilization", "t1-minimum-viable-recovery", "t2-functional-recovery"]


def recovery(client: TestClient, recovery_id: str) -> dict[str, Any]:
    view = client.get("/api/aref/recovery").json()
    return next(r for r in [*view["active"], *view["recent"]] if r["recovery_id"] == recovery_id)


def test_a_drill_answers_202_with_its_recovery_marked_as_a_drill(client: TestClient) -> None:
    reply = client.post(DRILLS, json={"service": "orders", "tiers": ["T1", "T2"]})
    assert reply.status_code == 202, reply.text
    body = TypeAdapter(wire.RecoveryRunView).validate_python(reply.json())
    assert (body["trigger"], body["mode"], body["service"], body["tier"]) == ("drill", "live", "orders", "T1")
    assert body["incident_id"].startswith("INC-DRILL-")
    assert body["correlation_id"].startswith("drill-")
    assert [r["runbook"] for r in body["runs"]] == ["t1-minimum-viable-recovery"]
    assert recovery(client, body["recovery_id"])["drill_tiers"] == ["T1", "T2"]


def test_named_runbooks_run_back_to_back_and_the_approval_lets_the_drill_finish(
    client: TestClient, plane: ControlPlane, clock: FakeClock
) -> None:
    rec = client.post(DRILLS, json={"service": "payments", "runbooks": DEFAULT, "by": "tester"}).json()
    run_traffic(plane, clock, 40)
    waiting = recovery(client, rec["recovery_id"])
    assert (waiting["tier"], waiting["current_step"], waiting["current_outcome"]) == (
        "T2",
        "approve-remediation",
        "waiting_approval",
    )
    approve = f"/api/aref/recovery/{rec['recovery_id']}/steps/approve-remediation/approve"
    approved = client.post(approve, json={"by": "ic"})
    assert approved.status_code == 200, approved.text
    t2 = approved.json()["runs"][-1]
    assert next(s for s in t2["steps"] if s["name"] == "approve-remediation")["approved_by"] == "ic"
    assert client.post(approve, json={"by": "ic"}).status_code in (404, 409)  # approved once only


def test_a_dry_run_drill_is_labelled_and_changes_no_control(client: TestClient) -> None:
    before = client.get("/api/aref/adaptation").json()["flags"]
    reply = client.post(DRILLS, json={"service": "inventory", "tiers": ["T0"], "dry_run": True})
    body = reply.json()
    assert (reply.status_code, body["mode"], body["dry_run"], body["status"]) == (202, "dry run", True, "resolved")
    assert all(s["detail"].startswith("dry run") for s in body["runs"][0]["steps"])
    assert client.get("/api/aref/adaptation").json()["flags"] == before
    assert client.get("/api/aref/recovery").json()["dry_run"] is False


def test_a_drill_is_refused_with_a_message(client: TestClient) -> None:
    unknown = client.post(DRILLS, json={"service": "nowhere"})
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown service: 'nowhere'")
    bad_tier = client.post(DRILLS, json={"service": "payments", "tiers": ["T9"]})
    assert (bad_tier.status_code, bad_tier.json()["field"]) == (422, "tier")
    no_runbook = client.post(DRILLS, json={"service": "payments", "tiers": ["T3"]})
    assert (no_runbook.status_code, no_runbook.json()["error"]) == (422, "tiers: no runbook for payments at T3")
    assert client.post(DRILLS, json={"service": "payments", "dry_run": "yes"}).status_code == 422
    first = client.post(DRILLS, json={"service": "inventory", "runbooks": ["drill-flag-and-failure-check"]})
    assert first.status_code == 202
    busy = client.post(DRILLS, json={"service": "inventory"})
    assert busy.status_code == 409
    assert first.json()["recovery_id"] in busy.json()["error"]


def test_approving_an_unknown_recovery_is_404(client: TestClient) -> None:
    reply = client.post("/api/aref/recovery/REC-nope/steps/x/approve", json={"by": "ic"})
    assert reply.status_code == 404
