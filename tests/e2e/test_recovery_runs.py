"""Recovery performs its T0 runbook on the running stack, and every step says what it did and measured.

With orders flowing through the gateway and no inventory alert or recovery open (earlier load may
have left one), nine in ten inventory requests fail (an error fault at its safety bound, 0.9): its error rate
crosses the EMERGENCY level, recovery starts T0 on inventory and runs the default T0 runbook
live (no dry run). The recovery record (``GET /api/aref/recovery``) lists every T0 step as
performed (``ok``) with what it did and the measured check after it; the restart step killed the
inventory replicas that reported themselves unhealthy, and Serve's own view shows the change:
the killed ids no longer run and the ids the step saw serving afterwards are Serve's running ones.
Once the fault ends the recovery resolves and the flags it turned off (if adaptation had not
already) are on again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.helpers import api, order_traffic, running_ids
from tests.stack import Stack, wait_for

SERVICE = "inventory"
FAULT_SECONDS = 45
T0_STEPS = ["capture-diagnostics", "degrade-to-minimal", "shed-non-critical-load", "restart-unhealthy-replicas"]


def short(replica_id: str) -> str:
    return replica_id.split("#")[-1]


@pytest.fixture
def traffic(stack: Stack) -> Iterator[list[int]]:
    """Orders through the gateway while the test runs (bounded: 1500 orders)."""
    with order_traffic(1500) as statuses:
        yield statuses


def recoveries() -> list[dict[str, Any]]:
    view = api("GET", "/api/aref/recovery").json()
    return [r for r in [*view["active"], *view.get("recent", [])] if r["service"] == SERVICE]


def t0_run(since: float) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The first inventory recovery started after ``since`` whose T0 runbook finished, with that run."""
    for rec in sorted(recoveries(), key=lambda r: r["started_at"]):
        if rec["started_at"] < since:
            continue
        run = next((r for r in rec["runs"] if r["tier"] == "T0"), None)
        if run is not None and run["status"] != "running":
            return rec, run
    return None


def quiet() -> bool:
    active = api("GET", "/api/aref/alerts").json()["active"]
    return not any(a["service"] == SERVICE for a in active) and not any(r["status"] == "active" for r in recoveries())


def situation(since: float) -> str:
    """What recovery and detection show for inventory, for a failure message."""
    recs = [
        (
            r["recovery_id"],
            round(r["started_at"] - since, 1),
            r["status"],
            [(x["tier"], x["status"]) for x in r["runs"]],
        )
        for r in recoveries()
    ]
    view = api("GET", "/api/aref/alerts").json()
    alerts = [
        (a["metric"], a["severity"], a["state"], round(a["fired_at"] - since, 1))
        for a in [*view["active"], *view["recent_resolved"]]
        if a.get("service") == SERVICE
    ]
    return f"recoveries (started after fault s, status, runs) {recs}; inventory alerts {alerts[-8:]}"


def test_an_emergency_runs_the_t0_runbook_for_real(stack: Stack, traffic: list[int]) -> None:
    wait_for(lambda: len(traffic) >= 10, timeout=60, what="baseline traffic")
    # an alert of earlier load may hold an inventory recovery open; the fault's alerts would join it
    wait_for(quiet, timeout=150, what="no inventory alert nor recovery before the fault")
    serving_before = {short(r) for r in running_ids(SERVICE)}
    started = time.time() - 1.0
    reply = api(
        "POST",
        "/api/aref/chaos/start",
        json={"service": SERVICE, "fault_type": "error", "rate": 0.9, "duration_s": FAULT_SECONDS},
    )
    assert reply.status_code == 200, reply.text
    try:
        observe_t0(started, serving_before)
    finally:  # a no-op once it has ended by itself; after a failure the next tests must not meet the fault
        api("POST", f"/api/aref/chaos/stop/{reply.json()['fault_id']}")


def observe_t0(started: float, serving_before: set[str]) -> None:
    """The T0 run of the recovery the fault started, its steps' effects, and the recovery's end."""
    try:
        wait_for(lambda: t0_run(started) is not None, timeout=120, what="the T0 runbook of an inventory recovery")
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {situation(started)}") from None
    found = t0_run(started)
    assert found is not None
    rec, run = found
    print({s["name"]: (s["outcome"], s["detail"], s["check"]) for s in run["steps"]})
    assert (rec["mode"], rec["dry_run"]) == ("live", False)
    assert run["runbook"] == "t0-emergency-stabilization"
    assert run["status"] == "completed", (run, situation(started))
    steps = {s["name"]: s for s in run["steps"]}
    assert list(steps) == T0_STEPS
    for name, step in steps.items():
        assert step["outcome"] == "ok", (name, step)
        assert step["detail"], name
        assert step["check"], name
        assert "dry run" not in step["detail"] + step["check"]

    restart = steps["restart-unhealthy-replicas"]["evidence"]
    before, after, killed = ({short(i) for i in restart[k]} for k in ("before", "after", "killed"))
    assert killed, restart  # while nine in ten requests fail every inventory replica reports itself degraded
    assert killed <= before
    assert before & serving_before, (before, serving_before)  # the autoscaler may have added one since
    assert not killed & after
    assert before != after
    serving_now = {short(r) for r in running_ids(SERVICE)}
    assert not killed & serving_now, "a killed replica still runs in Serve"
    assert after <= serving_now | killed, (after, serving_now)

    shed = steps["shed-non-critical-load"]["evidence"]
    assert shed["flags_off"]  # off now: turned off by this step, or already by adaptation's own shedding
    snapshot = steps["capture-diagnostics"]["evidence"]
    assert {short(i) for i in snapshot["replica_ids"][SERVICE]} & serving_before

    # the fault ends by itself; the alerts clear, the recovery resolves and sets back the flags it turned off
    def resolved() -> bool:
        return any(r["recovery_id"] == rec["recovery_id"] and r["status"] == "resolved" for r in recoveries())

    wait_for(resolved, timeout=180, what="the inventory recovery to resolve")

    def flags_back() -> bool:
        flags = api("GET", "/api/aref/adaptation").json()["flags"]
        return all(flags[name]["enabled"] for name in shed["turned_off"])

    wait_for(flags_back, timeout=15, what="the shed flags to be on again")
