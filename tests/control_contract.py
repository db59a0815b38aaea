"""The control-plane contract: every ControlPlane method, run alike against both transports.

The unit suite runs these cases over the in-process transport on a fake clock
(``tests/unit/control/test_contract.py``); the integration suite over the Ray transport against
the running stack (``tests/integration/test_contract.py``). A case sees the plane only through
a ``Harness``: ``eventually`` waits for something the pillars do on their own (on a fake clock it
advances time; on Ray it polls, bounded), ``restart`` restarts one pillar service over its store.
Cases leave the system as they found it (faults stopped, scale and flags restored), because on
Ray the stack is shared with the suites that run after.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import pytest
from pydantic import TypeAdapter

from aref.control import wire
from aref.control.plane import ControlPlane
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from chaos.loadgen import Profile, TrafficPlan

T = TypeVar("T")
Case = Callable[["Harness"], Awaitable[None]]
CASES: list[Case] = []


class Harness(Protocol):
    plane: ControlPlane

    async def eventually(self, check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 30) -> T:
        """The first truthy answer of ``check``, waiting for the pillars; fails after ``timeout_s``."""
        ...

    async def restart(self, pillar: str) -> None:
        """Restart one pillar service (its actor on Ray) over the same store; returns once it answers."""
        ...


def case(fn: Case) -> Case:
    CASES.append(fn)
    return fn


def label() -> str:
    return f"contract-{uuid.uuid4().hex[:8]}"


def shaped(shape: Any, value: Any) -> None:
    """``value`` validates as the wire shape (the API's response model)."""
    TypeAdapter(shape).validate_python(value, strict=False)


@case
async def every_read_answers_its_wire_shape(h: Harness) -> None:
    p = h.plane
    shaped(wire.StatusView, await p.status())
    shaped(wire.ServicesView, await p.services())
    shaped(wire.AlertsView, await p.alerts())
    shaped(wire.TimelineView, await p.timeline(limit=5))
    shaped(wire.MaturityView, await p.maturity())
    shaped(wire.MetricsView, await p.metrics())
    shaped(wire.ExperimentsView, await p.chaos_experiments())
    shaped(wire.ChaosStatusView, await p.chaos_status())
    shaped(wire.LoadView, await p.load_status())
    shaped(wire.LoadRecordView, await p.load_record())
    for view in (await p.detection(), await p.absorption(), await p.recovery(), await p.evolution()):
        assert isinstance(view, dict)
        assert view
    adaptation = await p.adaptation()
    assert set(adaptation["replicas"]) == {s["name"] for s in (await p.services())["services"]}


@case
async def services_report_real_replicas_beside_their_targets(h: Harness) -> None:
    services = (await h.plane.services())["services"]
    assert [s["name"] for s in services] == ["gateway", "orders", "payments", "inventory", "notifications"]
    for service in services:
        replicas = service["replicas"]
        assert replicas["running"] == len(replicas["running_ids"]) >= 1, service
        assert len(set(replicas["running_ids"])) == replicas["running"]


@case
async def a_manual_scale_is_applied_read_back_and_announced(h: Harness) -> None:
    """Drift case: ``system.replicas_scaled`` is published by one implementation, on both transports."""
    p = h.plane
    before = next(s for s in (await p.services())["services"] if s["name"] == "notifications")["replicas"]
    try:
        scaled = await p.scale("notifications", 2)
        assert (scaled["service"], scaled["target"], scaled["min"], scaled["max"]) == ("notifications", 2, 1, 4)

        async def announced() -> dict[str, Any] | None:
            events = (await p.timeline(category="system", limit=20))["events"]
            mine = [e for e in events if e["type"] == "replicas_scaled" and e["payload"]["service"] == "notifications"]
            return mine[0] if mine else None

        event = await h.eventually(announced, "system.replicas_scaled on the timeline")
        assert event["payload"] == {
            "service": "notifications",
            "previous": before["target"],
            "replicas": 2,
            "actor": "human",
        }

        async def running_two() -> list[str] | None:
            count = (await p.adaptation())["replicas"]["notifications"]
            return count["running_ids"] if count["running"] == 2 else None

        assert len(set(await h.eventually(running_two, "two notifications replicas running", 60))) == 2
        assert (await p.adaptation())["scaling"]["notifications"]["floor"] == 2
    finally:
        await p.scale("notifications", max(1, before["target"]))


@case
async def a_scale_outside_the_bounds_or_of_an_unknown_service_is_refused(h: Harness) -> None:
    for replicas in (0, 5, True):
        with pytest.raises(InvalidInputError) as refused:
            await h.plane.scale("payments", replicas)
        assert refused.value.field == "replicas"
    with pytest.raises(NotFoundError):
        await h.plane.scale("billing", 99)


@case
async def an_experiment_label_runs_once_at_a_time(h: Harness) -> None:
    """Drift case: the experiment-conflict check exists once, with one message."""
    p, name = h.plane, label()
    first = await p.inject_fault("inventory", "latency", 0.1, 60, 50, label=name)
    try:
        assert (first["experiment"], first["state"], first["service"]) == (name, "active", "inventory")
        with pytest.raises(ConflictError) as refused:
            await p.inject_fault("inventory", "latency", 0.1, 60, 50, label=name)
        assert str(refused.value) == f"experiment {name} is already running as fault {first['fault_id']}; stop it first"
        running = {e["name"] for e in (await p.chaos_experiments())["experiments"] if e["running"]}
        assert name not in running  # an ad-hoc label is not a registered experiment
        assert name in (await p.status())["chaos"]["experiments"]
    finally:
        stopped = await p.stop_fault(first["fault_id"])
    assert (stopped["state"], stopped["end_reason"], stopped["experiment"]) == (
        "rolled_back",
        "stopped by request",
        name,
    )
    recent = (await p.chaos_status())["recent"]
    assert [(f["experiment"], f["end_reason"]) for f in recent if f["fault_id"] == first["fault_id"]] == [
        (name, "stopped by request")
    ]
    with pytest.raises(NotFoundError):
        await p.stop_fault(first["fault_id"])


@case
async def stopping_all_faults_reports_each_one(h: Harness) -> None:
    p = h.plane
    a = await p.inject_fault("orders", "latency", 0.1, 60, 50, label=label())
    b = await p.inject_fault("inventory", "error", 0.1, 60, label=label())
    stopped = {f["fault_id"]: f for f in (await p.stop_chaos())["stopped"]}
    assert {a["fault_id"], b["fault_id"]} <= set(stopped)
    assert {stopped[a["fault_id"]]["end_reason"], stopped[b["fault_id"]]["end_reason"]} == {"stopped by request"}
    assert (await p.chaos_status())["active"] == []


@case
async def bad_faults_are_refused_by_the_fault_model(h: Harness) -> None:
    with pytest.raises(NotFoundError):
        await h.plane.inject_fault("billing", "error", 0.5, 10)
    with pytest.raises(InvalidInputError) as refused:
        await h.plane.inject_fault("orders", "error", 0.95, 10)
    assert refused.value.field == "rate"
    with pytest.raises(NotFoundError):
        await h.plane.start_experiment("no_such_experiment")


@case
async def the_timeline_survives_a_restart_of_its_service(h: Harness) -> None:
    """Drift case: the timeline persists on both transports."""
    p, name = h.plane, label()
    fault = await p.inject_fault("orders", "latency", 0.1, 30, 50, label=name)
    await p.stop_fault(fault["fault_id"])

    async def chain() -> list[str] | None:
        events = (await p.timeline(correlation_id=fault["correlation_id"]))["events"]
        types = sorted(e["type"] for e in events)
        return types if types == ["fault_injected", "fault_rolled_back"] else None

    await h.eventually(chain, "the fault's chain on the timeline")
    await h.restart("timeline")
    assert await h.eventually(chain, "the fault's chain after the timeline restarted") == [
        "fault_injected",
        "fault_rolled_back",
    ]


@case
async def a_flag_and_traffic_weights_go_through_adaptation_and_reach_the_timeline(h: Harness) -> None:
    """Drift case: subscriptions come from one wiring table (adaptation's events reach the timeline)."""
    p = h.plane
    flag = await p.set_flag("notifications.experimental", False)
    try:
        shaped(wire.FlagView, flag)
        assert (flag["name"], flag["enabled"], flag["changed_by"]) == ("notifications.experimental", False, "human")
        weights = await p.set_traffic("payments", {"primary": 70, "backup": 30})
        assert weights == {"service": "payments", "weights": {"primary": 70, "backup": 30}}
    finally:
        await p.set_flag("notifications.experimental", True)
        await p.set_traffic("payments", {"primary": 100, "backup": 0})

    async def changes() -> list[str] | None:
        events = (await p.timeline(category="adaptation", limit=50))["events"]
        types = [e["type"] for e in events]
        return types if {"flag_changed", "traffic_shifted"} <= set(types) else None

    await h.eventually(changes, "adaptation's changes on the timeline")
    assert (await p.adaptation())["flags"]["notifications.experimental"]["enabled"] is True
    with pytest.raises(NotFoundError):
        await p.set_flag("no.such_flag", True)


@case
async def a_pinned_tier_is_in_force_until_lifted_and_replicas_report_what_they_applied(h: Harness) -> None:
    p = h.plane
    try:
        pinned = await p.set_tier("notifications", "reduced")
        shaped(wire.TierView, pinned)
        assert pinned == {"service": "notifications", "tier": "reduced", "pinned": True}
        assert (await p.absorption())["pinned_tiers"] == {"notifications": "reduced"}
    finally:
        lifted = await p.set_tier("notifications", None)
    assert (lifted["pinned"], (await p.absorption())["pinned_tiers"]) == (False, {})
    applied = await p.applied_controls()
    shaped(wire.AppliedView, applied)
    assert {r["service"] for r in applied["replicas"]} <= set(p.service_names)
    with pytest.raises(NotFoundError):
        await p.set_tier("no-such-service", "reduced")
    with pytest.raises(InvalidInputError):
        await p.set_tier("notifications", "panic")


@case
async def unknown_alerts_are_not_found(h: Harness) -> None:
    with pytest.raises(NotFoundError):
        await h.plane.ack_alert("ALR-nope")
    with pytest.raises(NotFoundError):
        await h.plane.resolve_alert("ALR-nope")


@case
async def run_records_are_kept_newest_first(h: Harness) -> None:
    p, first, second = h.plane, label(), label()
    assert await p.save_run({"id": first, "experiment": "a", "passed": True, "mttd_s": float("nan")}) == {"id": first}
    assert await p.save_run({"id": second, "experiment": "b", "passed": False}) == {"id": second}
    runs = await p.runs(limit=2)
    assert [r["id"] for r in runs] == [second, first]
    assert runs[1]["mttd_s"] is None  # no NaN on the wire
    for record, field in (({"experiment": "c"}, "id"), ({"id": ""}, "id")):
        with pytest.raises(InvalidInputError) as refused:
            await p.save_run(record)
        assert refused.value.field == field
    with pytest.raises(InvalidInputError) as refused:
        await p.runs(limit=0)
    assert refused.value.field == "limit"


@case
async def bad_reads_name_their_field(h: Harness) -> None:
    for call, field in (
        (lambda: h.plane.timeline(limit=0), "limit"),
        (lambda: h.plane.timeline(category="nope"), "category"),
        (lambda: h.plane.maturity("reckless"), "profile"),
        (lambda: h.plane.load_record(-1), "after"),
        (lambda: h.plane.seed(0), "incidents"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            await call()
        assert refused.value.field == field


@case
async def maturity_follows_the_requested_profile(h: Harness) -> None:
    default, chosen = await h.plane.maturity(), await h.plane.maturity("availability_critical")
    assert (default["profile"], chosen["profile"]) == ("balanced", "availability_critical")
    assert chosen["crs"] == chosen["crs_by_profile"]["availability_critical"]
    coverage = next(c for c in chosen["pillars"]["absorption"]["criteria"] if c["id"] == "absorption.breaker_coverage")
    assert coverage["holds"] is True
    assert [e["ref"] for e in coverage["evidence"]] == [
        f"gateway->{s}" for s in ("orders", "payments", "inventory", "notifications")
    ]
    chaos = next(c for c in chosen["pillars"]["absorption"]["criteria"] if c["id"] == "absorption.chaos_verified")
    assert (chaos["holds"], chaos["evidence"], chaos["reason"]) == (False, [], "no passed chaos experiment recorded")
    status = await h.plane.status()
    assert status["crs"] == status["crs_by_profile"][status["risk_profile"]]


@case
async def seeding_adds_reviewed_demo_incidents(h: Harness) -> None:
    before = (await h.plane.evolution())["reviews"]["total"]
    seeded = await h.plane.seed(1)
    assert (seeded["incidents"], seeded["reviews"]) == (1, 1)
    assert seeded["action_items"] >= 1
    assert seeded["events"] >= 1
    assert (await h.plane.evolution())["reviews"]["total"] == before + 1


@case
async def one_background_load_runs_at_a_time(h: Harness) -> None:
    p = h.plane
    started = await p.start_load(TrafficPlan(Profile.STEADY, rate_per_s=2, duration_s=2))
    try:
        assert started["running"] is True
        assert started["plan"] is not None
        assert started["plan"]["rate_per_s"] == 2
        with pytest.raises(ConflictError):
            await p.start_load(TrafficPlan(Profile.STEADY, rate_per_s=1, duration_s=1))
    finally:
        stopped = await p.stop_load()
    assert stopped["running"] is False
    record = await p.load_record()
    assert record["next"] == len(record["outcomes"]) == stopped["stats"]["requests"]
    assert (await p.stop_load())["running"] is False  # stopping when idle changes nothing


@case
async def the_status_says_which_runtime_answers(h: Harness) -> None:
    """A simulation says so: the in-process transport is ``simulated``, the Ray one ``ray``."""
    assert (await h.plane.status())["runtime"] == h.plane.transport.runtime
    assert h.plane.transport.runtime in ("ray", "simulated")


@case
async def the_prober_reaches_every_service_and_detection_shows_it(h: Harness) -> None:
    p = h.plane

    async def probed() -> dict[tuple[str, str], dict[str, Any]] | None:
        found = {(t["target"], t["check"]): t for t in (await p.detection())["probes"]}
        everyone = {(s, "readyz") for s in p.service_names} | {("gateway", "order")}
        answered = everyone <= found.keys() and all(found[k]["last_ok_at"] is not None for k in everyone)
        return found if answered else None

    found = await h.eventually(probed, "a successful probe of every target")
    assert all(t["check"] in ("readyz", "order") for t in found.values())
    alerts = await p.alerts()
    assert not [a for a in alerts["active"] if a["detection_class"] == "synthetic"]


@case
async def recovery_runs_live_with_every_runbook_loaded_against_its_runner(h: Harness) -> None:
    """No dry run unless asked: both transports build the real runner, and the shipped runbooks load against it."""
    view = await h.plane.recovery()
    assert (view["dry_run"], isinstance(view["recent"], list)) == (False, True)
    names = {r["name"] for r in view["runbooks"]}
    assert {"t0-emergency-stabilization", "t1-minimum-viable-recovery", "t2-functional-recovery"} <= names
