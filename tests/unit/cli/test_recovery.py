"""``aref recovery drill`` and ``aref recovery approve`` against the real API."""

from __future__ import annotations

import asyncio

from aref.control.plane import ControlPlane
from tests.unit.cli.conftest import Harness
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run


def test_a_drill_prints_its_recovery_id_and_mode(harness: Harness, plane: ControlPlane) -> None:
    result = harness.invoke("recovery", "drill", "orders", "--tier", "T0", "--dry-run")
    assert result.exit_code == 0, result.output
    (rec,) = run(plane.recovery())["recent"]
    assert result.output.splitlines()[:3] == [
        f"{rec['recovery_id']}: drill of orders (dry run), resolved at T0",
        f"  incident {rec['incident_id']}, correlation {rec['correlation_id']}",
        "  T0 t0-emergency-stabilization: completed, 4/4 steps finished",
    ]


def test_tiers_run_in_order_and_approve_lets_the_waiting_step_go_on(harness: Harness, plane: ControlPlane) -> None:
    started = harness.json("recovery", "drill", "orders", "--tier", "T1", "--tier", "T2", "--by", "tester")
    assert (started["mode"], started["drill_tiers"], started["drill_by"]) == ("live", ["T1", "T2"], "tester")
    run_traffic(plane, harness.clock, 40)
    (waiting,) = run(plane.recovery())["active"]
    assert (waiting["tier"], waiting["current_step"]) == ("T2", "approve-remediation")
    result = harness.invoke("recovery", "approve", waiting["recovery_id"], "approve-remediation", "--by", "ic")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{waiting['recovery_id']}: drill of orders (live), active at T2"
    (done,) = run(plane.recovery())["recent"]
    step = next(s for s in done["runs"][-1]["steps"] if s["name"] == "approve-remediation")
    assert step["approved_by"] == "ic"


def test_refusals_show_the_api_message_and_exit_2(harness: Harness) -> None:
    unknown = harness.invoke("recovery", "drill", "billing")
    assert (unknown.exit_code, unknown.stderr.strip()) == (2, "error 404: unknown service: 'billing'")
    no_runbook = harness.invoke("recovery", "drill", "orders", "--tier", "T4")
    assert (no_runbook.exit_code, no_runbook.stderr.strip()) == (2, "error 422: tiers: no runbook for orders at T4")
    missing = harness.invoke("recovery", "approve", "REC-nope", "x", "--by", "ic")
    assert (missing.exit_code, missing.stderr.strip()) == (2, "error 404: unknown active recovery: 'REC-nope'")
