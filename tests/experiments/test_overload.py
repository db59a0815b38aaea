"""Notifications crawl; adaptation switches their optional work off on every replica, and it comes back.

``aref chaos run notification_overload`` (the session's one run of it, shared with the experiment
matrix; low-priority mail is sent beside the orders) slows nine in ten notification requests by
5 s. Its ``flags_disabled`` expectation must pass: the four optional notifications flags were off
on every live replica (as the replicas report applying them) within 60 s of the injection. The
replicas' own count of messages shed by the flags must have risen over the run, and once the
fault is over the flags come back on every replica and a low-priority message is delivered again.
"""

from __future__ import annotations

from typing import Any

from chaos.schema import EXPERIMENTS_DIR, load_experiment
from tests.experiments.conftest import ExperimentRuns
from tests.integration.helpers import api, running_ids
from tests.stack import wait_for

PATH = EXPERIMENTS_DIR / "notification_overload.yaml"
SERVICE = "notifications/"
RESTORED_WITHIN_S = 90.0  # adaptation's restore hold after the alerts clear, then a control tick


def flags_on_every_replica(flags: list[str]) -> bool:
    reports = {
        r["replica_id"]: r["applied"]["flags"]
        for r in api("GET", "/api/aref/controls/applied").json()["replicas"]
        if r["service"] == "notifications"
    }
    ids = running_ids("notifications")
    return bool(ids) and all(i in reports and all(reports[i].get(f) is True for f in flags) for i in ids)


def low_priority_delivered() -> bool:
    body = {"channel": "email", "recipient": "overload@example.com", "message": "back", "priority": "low"}
    reply = api("POST", "/notifications/send", json=body)
    return reply.status_code in (200, 201) and reply.json()["status"] == "delivered"


def test_the_overload_flags_go_off_on_every_replica_the_work_is_skipped_and_it_comes_back(
    experiment_runs: ExperimentRuns,
) -> None:
    done = experiment_runs(PATH)
    print(done.stderr)
    assert done.returncode in (0, 1), f"no verdict (exit {done.returncode}): {done.stderr[-2000:]}"
    results: dict[str, dict[str, Any]] = {e["kind"]: e for e in done.record["expectations"]}
    disabled = results["flags_disabled"]
    assert disabled["passed"], disabled["detail"]

    shed = {r: counts.get("shed_by_flags", 0) for r, counts in done.skipped_after.items() if r.startswith(SERVICE)}
    earlier = {r: done.skipped_before.get(r, {}).get("shed_by_flags", 0) for r in shed}
    assert any(shed[r] > earlier[r] for r in shed), (earlier, shed)  # a replica's own count of mail it shed rose

    (expectation,) = [e for e in load_experiment(PATH).hypothesis if e.kind == "flags_disabled"]
    flags = list(expectation.params["flags"])
    wait_for(lambda: flags_on_every_replica(flags), timeout=RESTORED_WITHIN_S, what="the flags on again")
    wait_for(low_priority_delivered, timeout=30, what="a low-priority message delivered again")
