"""RecoveryService on the in-process transport: runbooks act on the simulated fleet and controls.

The T0 runbook snapshots diagnostics into the store, pins the service's tier, turns its
non-critical flags off and kills its unhealthy replicas until replacements with new ids serve;
each step records what it did and what was measured after it. Resolution sets the flags and pin
back. A runbook naming an action the runner cannot perform is refused at load.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aref.config import ArefSettings
from aref.control.inprocess.transport import InProcessTransport
from aref.control.pillars.recovery import RecoveryService
from aref.errors import InvalidInputError
from aref.recovery.defaults import default_runbooks
from aref.recovery.runbook_schema import parse_runbooks
from aref.testing import FakeClock
from chaos.faults import FaultSpec, FaultType
from tests.unit.control.pillars.env import T0, FakeEnvironment, pillar_settings

run = asyncio.run
SERVICE = "notifications"


def transport(**recovery: Any) -> tuple[InProcessTransport, FakeClock]:
    clock = FakeClock(T0)
    settings = pillar_settings()
    if recovery:
        settings = ArefSettings(
            api_token=None,
            ray_dashboard_url="http://127.0.0.1:8265",
            recovery=settings.recovery.model_copy(update=recovery),
        )
    return InProcessTransport(settings, clock, runbooks=default_runbooks()), clock


def begin(t: InProcessTransport, clock: FakeClock, ticks: int = 3) -> dict[str, Any]:
    service: RecoveryService = t.raw(RecoveryService)
    service.engine.begin_recovery(SERVICE, "COR-1")
    for _ in range(ticks):
        clock.advance(t.settings.tick_seconds)
        run(t.sync())
    status = run(t.recovery.status())
    return next(r for r in [*status["active"], *status["recent"]] if r["correlation_id"] == "COR-1")


def steps(record: dict[str, Any], tier: str = "T0") -> dict[str, dict[str, Any]]:
    found = next(r for r in record["runs"] if r["tier"] == tier)
    return {s["name"]: s for s in found["steps"]}


def test_the_t0_runbook_acts_on_the_fleet_and_controls_and_measures_each_step() -> None:
    t, clock = transport()
    run(t.chaos.inject(FaultSpec(SERVICE, FaultType.ERROR, 0.5, 120.0)))
    before = [r.replica_id for r in run(t.fleet.live(SERVICE))]
    record = begin(t, clock)
    assert (record["mode"], record["dry_run"]) == ("live", False)
    t0 = steps(record)
    assert [s["outcome"] for s in t0.values()] == ["ok"] * 4
    assert all(s["detail"] and s["check"] for s in t0.values())
    snapshot = t0["capture-diagnostics"]["evidence"]
    stored = t.store.get("diagnostics", snapshot["snapshot_id"])
    assert stored is not None
    assert stored["correlation_id"] == "COR-1"
    assert stored["replica_ids"][SERVICE] == before
    assert run(t.absorption.tiers())[SERVICE] == "minimal"
    flags = run(t.adaptation.control_for(SERVICE))["flags"]
    shed = t0["shed-non-critical-load"]["evidence"]["flags_off"]
    assert shed
    assert all(flags[name] is False for name in shed)
    restart = t0["restart-unhealthy-replicas"]["evidence"]
    after = [r.replica_id for r in run(t.fleet.live(SERVICE))]
    assert restart["before"] == sorted(before)
    assert restart["after"] == sorted(after)
    assert not set(before) & set(after)
    assert t.fleet.killed == before


def test_a_healthy_service_has_nothing_to_restart_and_says_so() -> None:
    t, clock = transport()
    record = begin(t, clock)
    restart = steps(record)["restart-unhealthy-replicas"]
    assert restart["outcome"] == "ok"
    assert restart["detail"].startswith("no replica of notifications reports itself unhealthy")
    assert t.fleet.killed == []


def test_a_replica_only_slow_is_left_serving_a_restart_would_drop_its_requests() -> None:
    t, clock = transport()
    run(t.chaos.inject(FaultSpec(SERVICE, FaultType.LATENCY, 0.7, 60.0, delay_ms=3000.0)))
    before = [r.replica_id for r in run(t.fleet.live(SERVICE))]
    restart = steps(begin(t, clock))["restart-unhealthy-replicas"]
    assert restart["outcome"] == "ok"
    assert "1 degraded but answering" in restart["detail"]
    assert (restart["evidence"]["killed"], restart["evidence"]["degraded"]) == ([], before)
    assert t.fleet.killed == []


def test_resolving_sets_the_flags_and_the_tier_pin_back() -> None:
    t, clock = transport()
    record = begin(t, clock)
    shed = steps(record)["shed-non-critical-load"]["evidence"]["flags_off"]
    run(t.recovery.resolve(record["recovery_id"]))
    flags = run(t.adaptation.control_for(SERVICE))["flags"]
    assert all(flags[name] is True for name in shed)
    pins = run(t.absorption.status())["pinned_tiers"]
    assert SERVICE not in pins


def test_a_dry_run_only_when_asked_and_labelled_on_every_step() -> None:
    t, clock = transport(dry_run=True)
    run(t.chaos.inject(FaultSpec(SERVICE, FaultType.ERROR, 0.5, 120.0)))
    record = begin(t, clock)
    assert (record["mode"], record["dry_run"]) == ("dry run", True)
    assert all(s["detail"].startswith("dry run") for s in steps(record).values())
    assert t.fleet.killed == []
    assert run(t.absorption.tiers())[SERVICE] != "minimal"
    assert run(t.recovery.status())["dry_run"] is True


def test_a_runbook_naming_an_action_the_runner_cannot_perform_is_refused_at_load() -> None:
    text = """
name: bad
tier: T0
steps:
  - {name: fine, kind: automated, action: diagnostics.snapshot, timeout_seconds: 5}
  - {name: wishful, kind: automated, action: payments.reconcile_ledger, timeout_seconds: 5}
"""
    books = parse_runbooks(text, source="runbooks/bad.yml")
    with pytest.raises(InvalidInputError) as caught:
        RecoveryService(pillar_settings().recovery, FakeEnvironment(), books)
    error = caught.value
    assert (error.field, error.source) == ("steps.1.action", "runbooks/bad.yml")
    assert "'wishful'" in error.reason
    assert "'payments.reconcile_ledger'" in error.reason


def test_a_verify_step_naming_an_unknown_condition_is_refused_at_load() -> None:
    text = "{name: bad, tier: T1, steps: [{name: v, kind: verify, action: metrics.vibes_ok, timeout_seconds: 5}]}"
    with pytest.raises(InvalidInputError) as caught:
        RecoveryService(pillar_settings().recovery, FakeEnvironment(), parse_runbooks(text, source="x.yml"))
    assert "verifier cannot check condition 'metrics.vibes_ok'" in caught.value.reason


def test_the_shipped_runbooks_load_against_the_runner() -> None:
    service = RecoveryService(pillar_settings().recovery, FakeEnvironment())
    names = {r.name for r in service.engine.catalog}
    assert {"t0-emergency-stabilization", "payment-provider-outage-t0", "payment-provider-outage-t1"} <= names
