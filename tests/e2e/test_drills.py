"""A recovery drill performs every action of the tier runbooks on the running stack, and each
action's effect is seen from outside AREF's own record.

With orders flowing, a drill on payments runs the default T0, T1 and T2 runbooks back to back,
live (``POST /api/aref/recovery/drills``). T2 waits for the incident commander to approve its
rollback; at that moment everything T0 and T1 did is in force and is read where it acts:
- ``absorption.set_degradation`` (minimal): every running payments replica applies the tier;
- ``adaptation.shed_load``: every replica applies ``payments.analytics`` off;
- ``adaptation.shift_traffic``: every replica applies weights ``primary 0, backup 100``, and the
  backup provider's own capture count rises;
- ``adaptation.scale`` (+1): Serve runs one payments replica more;
- ``notify.page`` / ``notify.status_page``: notifications' own history holds both, delivered;
- ``incident.declare`` and ``diagnostics.snapshot``: the drill's incident is on the timeline, and
  the snapshot holds the payments replica ids Serve ran;
- ``metrics.error_rate_below``: checked against the clients' own error rate.
After approval, ``remediation.rollback_last_change`` undoes the newest change (the scale: Serve
runs as many replicas as before), ``absorption.set_degradation`` (full) and
``adaptation.restore_flags`` bring the tier and the flag back on every replica, and
``slo.within_target`` holds; ``diagnostics.correlate_changes`` lists the drill's changes.
``ACTIONS_OBSERVED`` maps every action and condition a runbook may name to the test that observes
it live; ``test_every_runbook_action_and_condition_is_observed_live`` fails on one without.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

from aref.control.pillars.recovery_actions import RecoveryActions
from aref.control.pillars.recovery_checks import RecoveryChecks
from tests.integration.helpers import api, order_traffic, running_ids
from tests.stack import Stack, wait_for

SERVICE = "payments"
RUNBOOKS = ["t0-emergency-stabilization", "t1-minimum-viable-recovery", "t2-functional-recovery"]
APPROVAL = "approve-remediation"
FLAG = "payments.analytics"
DRILL_FLAG = "notifications.experimental"


@pytest.fixture
def traffic(stack: Stack) -> Iterator[list[int]]:
    """Orders through the gateway while the test runs (bounded: 2000 orders)."""
    with order_traffic(2000) as statuses:
        yield statuses


def recovery(recovery_id: str) -> dict[str, Any]:
    view = api("GET", "/api/aref/recovery").json()
    found = [r for r in [*view["active"], *view.get("recent", [])] if r["recovery_id"] == recovery_id]
    assert found, f"recovery {recovery_id} is in neither active nor recent"
    return dict(found[0])


def payments_busy() -> bool:
    view = api("GET", "/api/aref/recovery").json()
    return any(r["service"] == SERVICE for r in view["active"])


def waiting_for_approval(recovery_id: str) -> bool:
    runs = recovery(recovery_id)["runs"]
    return any(s["name"] == APPROVAL and s["outcome"] == "waiting_approval" for r in runs for s in r["steps"])


def applied() -> dict[str, dict[str, Any]]:
    """What every payments replica reported applying, by replica id."""
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    return {r["replica_id"]: r["applied"] for r in reply.json()["replicas"] if r["service"] == SERVICE}


def every_replica(check: Any) -> bool:
    reports, ids = applied(), running_ids(SERVICE)
    return bool(ids) and all(i in reports and check(reports[i]) for i in ids)


def captured_by_backup() -> int:
    providers = api("GET", "/payments/providers/health").json()["providers"]
    return int(next(p["successes"] for p in providers if not p["primary"]))


def steps_of(rec: dict[str, Any], tier: str) -> dict[str, dict[str, Any]]:
    (run,) = [r for r in rec["runs"] if r["tier"] == tier]
    return {s["name"]: s for s in run["steps"]}


def performed(steps: dict[str, dict[str, Any]], *, except_: tuple[str, ...] = ()) -> None:
    for name, step in steps.items():
        if name in except_:
            continue
        assert step["outcome"] == "ok", (name, step)
        assert step["detail"], name
        assert step["check"], name
        assert "dry run" not in step["detail"] + step["check"], name


def delivered(notification_id: str) -> bool:
    found = api("GET", "/notifications/history", params={"limit": 1000}).json()["notifications"]
    return any(n["id"] == notification_id and n["status"] == "delivered" for n in found)


def test_a_drill_performs_every_tier_runbook_action_and_each_effect_is_seen_live(
    stack: Stack, traffic: list[int]
) -> None:
    wait_for(lambda: len(traffic) >= 10, timeout=60, what="baseline traffic")
    wait_for(lambda: not payments_busy(), timeout=150, what="no payments recovery before the drill")
    serving_before = running_ids(SERVICE)
    backup_before = captured_by_backup()
    weights_before = next(iter(applied().values()))["traffic"]

    reply = api("POST", "/api/aref/recovery/drills", json={"service": SERVICE, "runbooks": RUNBOOKS, "by": "e2e"})
    assert reply.status_code == 202, reply.text
    drill = reply.json()
    rid = drill["recovery_id"]
    assert (drill["trigger"], drill["mode"], drill["dry_run"]) == ("drill", "live", False)
    assert drill["incident_id"].startswith("INC-DRILL-")

    wait_for(lambda: waiting_for_approval(rid), timeout=300, what="T2 waiting for the rollback's approval")
    rec = recovery(rid)
    t0, t1 = steps_of(rec, "T0"), steps_of(rec, "T1")
    performed(t0)
    performed(t1)

    # T0 and T1's effects, read where they act
    assert every_replica(lambda a: a["tier"] == "minimal"), applied()
    assert every_replica(lambda a: a["flags"].get(FLAG) is False), applied()
    assert every_replica(lambda a: (a["traffic"]["primary"], a["traffic"]["backup"]) == (0, 100)), applied()
    scale = t1["scale-out"]["evidence"]
    assert scale["target"] == scale["before"] + 1
    wait_for(lambda: len(running_ids(SERVICE)) >= scale["target"], timeout=60, what="Serve running the scaled count")
    wait_for(lambda: captured_by_backup() > backup_before, timeout=30, what="the backup provider capturing")
    for step in ("page-on-call", "post-status-update"):
        notification = t1[step]["evidence"]["notification_id"]
        wait_for(partial(delivered, notification), timeout=15, what=f"{step}'s message in notifications' history")
    snapshot = t0["capture-diagnostics"]["evidence"]
    assert set(snapshot["replica_ids"][SERVICE]) & serving_before, (snapshot, serving_before)
    timeline = api("GET", "/api/aref/timeline", params={"correlation_id": rec["correlation_id"], "limit": 1000})
    assert drill["incident_id"] in json.dumps(timeline.json()["events"])

    approved = api("POST", f"/api/aref/recovery/{rid}/steps/{APPROVAL}/approve", json={"by": "e2e"})
    assert approved.status_code == 200, approved.text
    wait_for(lambda: recovery(rid)["status"] == "resolved", timeout=300, what="the drill to resolve")
    rec = recovery(rid)
    t2 = steps_of(rec, "T2")
    performed(t2)
    assert t2["correlate-recent-changes"]["evidence"]["changes"], t2["correlate-recent-changes"]

    # T2's effects, and the drill's end: the scale rolled back, the tier and the flag back, the weights as before
    wait_for(lambda: len(running_ids(SERVICE)) == scale["before"], timeout=120, what="the scale rolled back in Serve")
    wait_for(lambda: every_replica(lambda a: a["tier"] == "full"), timeout=30, what="payments replicas at full")
    wait_for(lambda: every_replica(lambda a: a["flags"].get(FLAG) is True), timeout=30, what=f"{FLAG} on again")
    wait_for(lambda: every_replica(lambda a: a["traffic"] == weights_before), timeout=30, what="the weights as before")
    assert sum(1 for s in traffic if s >= 500 or s == 0) / len(traffic) < 0.05  # the drill did not fail orders


def inventory_quiet() -> bool:
    active = api("GET", "/api/aref/alerts").json()["active"]
    recoveries = api("GET", "/api/aref/recovery").json()["active"]
    return not any(a["service"] == "inventory" for a in active) and not any(
        r["service"] == "inventory" for r in recoveries
    )


def notifications_flag(enabled: bool) -> bool:
    reply = api("GET", "/api/aref/controls/applied")
    reports = {r["replica_id"]: r["applied"] for r in reply.json()["replicas"] if r["service"] == "notifications"}
    ids = running_ids("notifications")
    return bool(ids) and all(reports.get(i, {}).get("flags", {}).get(DRILL_FLAG) is enabled for i in ids)


def test_a_drill_only_runbook_sets_a_flag_and_waits_for_a_measured_failure(stack: Stack, traffic: list[int]) -> None:
    """``drill-flag-and-failure-check`` (runbooks/drills.yml) on inventory: ``adaptation.set_flag``
    turns notifications.experimental off (every notifications replica applies it), then
    ``metrics.error_rate_above`` waits until inventory's measured error rate is over 0.5 (nine in
    ten inventory requests fail meanwhile), then the flag goes on again on every replica."""
    wait_for(lambda: len(traffic) >= 10, timeout=60, what="baseline traffic")
    wait_for(inventory_quiet, timeout=150, what="no inventory alert nor recovery before the drill")
    body = {"service": "inventory", "runbooks": ["drill-flag-and-failure-check"], "by": "e2e"}
    reply = api("POST", "/api/aref/recovery/drills", json=body)
    assert reply.status_code == 202, reply.text
    rid = reply.json()["recovery_id"]
    wait_for(lambda: notifications_flag(False), timeout=30, what=f"{DRILL_FLAG} off on every notifications replica")

    spec = {"service": "inventory", "fault_type": "error", "rate": 0.9, "duration_s": 60}
    fault = api("POST", "/api/aref/chaos/start", json=spec)
    assert fault.status_code == 200, fault.text
    try:
        wait_for(lambda: recovery(rid)["status"] == "resolved", timeout=180, what="the drill to resolve")
    finally:  # the inventory recovery the fault's own alerts open must not outlive this test
        api("POST", f"/api/aref/chaos/stop/{fault.json()['fault_id']}")
    steps = steps_of(recovery(rid), "T0")
    performed(steps)
    assert "error rate" in steps["confirm-inventory-failing"]["check"], steps["confirm-inventory-failing"]
    wait_for(lambda: notifications_flag(True), timeout=30, what=f"{DRILL_FLAG} on again on every replica")
    wait_for(inventory_quiet, timeout=240, what="the fault's own inventory recovery to resolve")


TIER_DRILL = "tests.e2e.test_drills::test_a_drill_performs_every_tier_runbook_action_and_each_effect_is_seen_live"
FLAG_DRILL = "tests.e2e.test_drills::test_a_drill_only_runbook_sets_a_flag_and_waits_for_a_measured_failure"
T0_RUN = "tests.e2e.test_recovery_runs::test_an_emergency_runs_the_t0_runbook_for_real"
ACTIONS_OBSERVED = {
    "diagnostics.snapshot": TIER_DRILL,
    "diagnostics.correlate_changes": TIER_DRILL,
    "adaptation.shed_load": TIER_DRILL,
    "adaptation.set_flag": FLAG_DRILL,
    "adaptation.restore_flags": TIER_DRILL,
    "adaptation.shift_traffic": TIER_DRILL,
    "adaptation.scale": TIER_DRILL,
    "adaptation.restart_unhealthy": T0_RUN,
    "absorption.set_degradation": TIER_DRILL,
    "notify.page": TIER_DRILL,
    "notify.status_page": TIER_DRILL,
    "remediation.rollback_last_change": TIER_DRILL,
    "incident.declare": TIER_DRILL,
    "metrics.error_rate_below": TIER_DRILL,
    "metrics.error_rate_above": FLAG_DRILL,
    "slo.within_target": TIER_DRILL,
}


def test_every_runbook_action_and_condition_is_observed_live() -> None:
    """Every action the runner performs and every condition the verifier checks (a runbook naming
    any other is refused when it loads) has a test above that observes it on the stack."""
    actions = RecoveryActions.actions(RecoveryActions.__new__(RecoveryActions))
    conditions = RecoveryChecks.conditions(RecoveryChecks.__new__(RecoveryChecks))
    assert set(actions) | set(conditions) == set(ACTIONS_OBSERVED)
    for test in set(ACTIONS_OBSERVED.values()):
        module, _, name = test.partition("::")
        assert callable(getattr(importlib.import_module(module), name, None)), test
