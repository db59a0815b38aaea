from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aref.absorption.breaker import BreakerState
from aref.absorption.shared_breaker import BreakerDecision
from aref.config import load_settings
from aref.errors import ConflictError, InvalidInputError
from aref.records import to_record
from aref.testing import FakeClock
from chaos.faults import ActiveFault, FaultBoard, FaultSpec
from services.base.envelope import Envelope
from services.base.faults import FaultDraw, Sleep
from services.base.guards import GuardPolicy
from services.base.link import ReplicaIdentity
from services.base.runtime import MAX_PENDING_TELEMETRY, ReplicaRuntime
from services.base.synthetic import synthetic_scope
from tests.unit.services.fakes import FakeLink


class Timer:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


async def no_sleep(seconds: float) -> None:
    return None


def fault_board(version: int, fault_type: str, service: str = "gateway", rate: float = 0.9) -> FaultBoard:
    spec = FaultSpec.build(service, fault_type, rate, 60, 100.0)
    return FaultBoard(version, (ActiveFault("FLT-1", spec, started_at=0.0, expires_at=1e12),))


GATEWAY_DOWNSTREAM = ("orders", "payments", "inventory", "notifications")


def runtime(
    plane: FakeLink, clock: FakeClock, *, u: float = 0.5, service: str = "gateway", sleep: Sleep = no_sleep
) -> ReplicaRuntime:
    identity = ReplicaIdentity(service, f"{service}#{service}#r1", f"SERVE_REPLICA::{service}#{service}#r1", 4242)
    return ReplicaRuntime(
        identity,
        load_settings(),
        plane,
        clock,
        downstream=GATEWAY_DOWNSTREAM if service == "gateway" else (),
        timer=Timer(0.010),
        rng=lambda: u,
        sleep=sleep,
        autostart=False,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


def test_a_successful_request_is_recorded_in_telemetry_and_health(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock)

    answer = asyncio.run(rt.run("create_order", lambda draw: {"id": "ORD-1"}, status=201))

    assert answer == Envelope(201, {"id": "ORD-1"})
    report = rt.telemetry.flush(clock.now())
    assert (report.requests, report.errors, report.latency.total) == (1, 0, 1)
    health = rt.health()
    assert (health["requests"], health["errors"], health["status"]) == (1, 0, "healthy")


def test_domain_errors_answer_their_status_and_only_5xx_count_as_errors(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock)

    def conflict(_: FaultDraw) -> Any:
        raise ConflictError("already confirmed")

    def crash(_: FaultDraw) -> Any:
        raise KeyError("boom")

    assert asyncio.run(rt.run("confirm", conflict)) == Envelope(409, {"error": "already confirmed"})
    assert asyncio.run(rt.run("confirm", crash)).status == 500
    assert (rt.requests, rt.errors, rt.health()["error_rate"]) == (2, 1, 0.5)


def test_an_error_fault_answers_503_before_the_operation_runs(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock, u=0.1)
    rt.apply_faults(fault_board(3, "error").to_dict())
    ran: list[int] = []

    answer = asyncio.run(rt.run("create_order", lambda _: ran.append(1)))

    assert answer.status == 503
    assert answer.body["fault"]["id"] == "FLT-1"
    assert ran == []
    assert rt.errors == 1
    assert 'aref_service_faults_injected_total{kind="error"' in rt.metrics.render().decode()


def test_an_operation_absorbing_errors_draws_them_per_attempt(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock, u=0.1)
    rt.apply_faults(fault_board(3, "error").to_dict())

    answer = asyncio.run(rt.run("pay", lambda draw: [draw.fails("a"), draw.fails("b")], absorb_errors=True))

    assert answer == Envelope(200, [True, True])


def test_a_rare_draw_misses_the_fault(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock, u=0.95)
    rt.apply_faults(fault_board(3, "error").to_dict())

    assert asyncio.run(rt.run("create_order", lambda _: "ok")) == Envelope(200, "ok")


def test_apply_faults_is_versioned_and_reports_the_replica(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock)

    first = rt.apply_faults(fault_board(5, "latency").to_dict())
    again = rt.apply_faults(fault_board(5, "error").to_dict())
    bad = rt.apply_faults({"version": "x"})

    assert first == {"replica_id": "gateway#gateway#r1", "version": 5, "applied": True}
    assert again == {"replica_id": "gateway#gateway#r1", "version": 5, "applied": False}
    assert (bad["applied"], bad["version"]) == (False, 5)
    assert rt.health()["status"] == "degraded"
    assert rt.health()["active_faults"] == 1


@pytest.mark.parametrize(("fault_type", "failing"), [("latency", False), ("error", True), ("timeout", True)])
def test_a_replica_only_slowed_is_degraded_but_not_failing(clock: FakeClock, fault_type: str, failing: bool) -> None:
    rt = runtime(FakeLink(), clock)
    assert (rt.health()["status"], rt.health()["failing"]) == ("healthy", False)
    rt.apply_faults(fault_board(1, fault_type).to_dict())
    assert (rt.health()["status"], rt.health()["failing"]) == ("degraded", failing)


def test_whoami_names_the_replica_actor(clock: FakeClock) -> None:
    assert runtime(FakeLink(), clock).whoami() == {
        "replica_id": "gateway#gateway#r1",
        "service": "gateway",
        "actor_name": "SERVE_REPLICA::gateway#gateway#r1",
        "pid": 4242,
        "fault_version": 0,
        "fault_applied_at": None,
    }


def test_whoami_stamps_when_the_current_board_was_taken(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock)
    clock.advance(5)
    rt.apply_faults(to_record(fault_board(3, "latency")))
    clock.advance(5)
    rt.apply_faults(to_record(fault_board(3, "latency")))  # the same version again changes nothing
    assert (rt.whoami()["fault_version"], rt.whoami()["fault_applied_at"]) == (3, 1005.0)


def test_only_real_dependencies_can_be_guarded(clock: FakeClock) -> None:
    identity = ReplicaIdentity("payments", "p1", "", 1)
    with pytest.raises(InvalidInputError) as caught:
        ReplicaRuntime(identity, load_settings(), FakeLink(), clock, downstream=("orders",))
    assert caught.value.field == "downstream"


def test_a_dependency_may_have_its_own_guard_bounds(clock: FakeClock) -> None:
    identity = ReplicaIdentity("gateway", "g1", "", 1)
    default, receipts = GuardPolicy(timeout_s=5.0), GuardPolicy(timeout_s=1.0, retries=0)
    rt = ReplicaRuntime(
        identity,
        load_settings(),
        FakeLink(),
        clock,
        downstream=GATEWAY_DOWNSTREAM,
        guard_policy=default,
        edge_policies={"notifications": receipts},
    )
    assert {d: g.policy.timeout_s for d, g in rt.guards.items()} == {
        "orders": 5.0,
        "payments": 5.0,
        "inventory": 5.0,
        "notifications": 1.0,
    }
    assert rt.guards["notifications"].policy.retries == 0


def test_the_gateway_guards_one_edge_per_downstream_service(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock)
    leaf = runtime(FakeLink(), clock, service="payments")

    assert [g.edge for g in rt.guards.values()] == [
        "gateway->orders",
        "gateway->payments",
        "gateway->inventory",
        "gateway->notifications",
    ]
    assert leaf.guards == {}


def test_a_tick_pushes_telemetry_and_reports_and_applies_what_it_pulls(clock: FakeClock) -> None:
    plane = FakeLink()
    rt = runtime(plane, clock)
    asyncio.run(rt.run("create_order", lambda _: "ok"))
    asyncio.run(rt.guards["payments"].call(lambda: _ok()))
    clock.advance(1)
    decision = BreakerDecision(
        "gateway->payments", BreakerState.OPEN, 9, since=1000.0, opened_at=1000.0, retry_at=1030.0
    )
    plane.board_answer = fault_board(4, "latency").to_dict()
    plane.decisions_answer = {
        "version": 9,
        "decisions": {"gateway->payments": to_record(decision)},
        "tiers": {"gateway": "minimal", "orders": "emergency"},
    }
    plane.control_answer = {
        "version": 2,
        "flags": {"gateway.analytics": False},
        "traffic": {"primary": 100, "backup": 0},
    }

    asyncio.run(rt.tick())

    [[telemetry]] = plane.telemetry
    assert (telemetry["service"], telemetry["replica_id"], telemetry["requests"]) == (
        "gateway",
        "gateway#gateway#r1",
        1,
    )
    assert (telemetry["started_at"], telemetry["ended_at"], telemetry["actor_name"]) == (
        1000.0,
        1001.0,
        "SERVE_REPLICA::gateway#gateway#r1",
    )
    [[report]] = plane.reports
    assert (report["edge"], report["reporter_id"], report["successes"], report["sequence"]) == (
        "gateway->payments",
        "gateway#gateway#r1",
        1,
        1,
    )
    assert plane.asked_since == [0]
    assert (rt.control.board.version, rt.control.decisions_version, rt.control.control_version) == (4, 9, 2)
    assert rt.guards["payments"].breaker.state is BreakerState.OPEN
    assert rt.guards["orders"].breaker.state is BreakerState.CLOSED
    assert rt.control.flags == {"gateway.analytics": False}
    [applied] = plane.applied  # what the replica acts on, pushed after it applied the pull
    assert (applied["replica_id"], applied["tier"], applied["control_version"]) == ("gateway#gateway#r1", "minimal", 2)
    assert "order_receipts" in applied["disabled_features"]
    assert "new_orders" not in applied["disabled_features"]
    assert (applied["flags"], applied["traffic"]) == ({"gateway.analytics": False}, {"primary": 100, "backup": 0})
    assert rt.health()["applied"]["tier"] == "minimal"


async def _ok() -> Envelope:
    return Envelope(200, {})


def test_missing_actors_leave_the_cache_alone_and_unsent_data_is_sent_later(clock: FakeClock) -> None:
    plane = FakeLink()
    rt = runtime(plane, clock)
    rt.apply_faults(fault_board(2, "latency").to_dict())
    plane.up = False
    asyncio.run(rt.guards["orders"].call(lambda: _ok()))
    for _ in range(MAX_PENDING_TELEMETRY + 2):
        asyncio.run(rt.tick())
    assert (plane.telemetry, plane.reports, rt.control.board.version) == ([], [], 2)

    plane.up = True
    asyncio.run(rt.tick())

    assert len(plane.telemetry[0]) == MAX_PENDING_TELEMETRY
    assert [r["sequence"] for r in plane.reports[0]] == [1]
    asyncio.run(rt.tick())
    assert len(plane.telemetry[1]) == 1
    assert len(plane.reports) == 1


def test_a_failing_control_plane_never_breaks_the_tick(clock: FakeClock) -> None:
    plane = FakeLink()
    plane.broken = True
    rt = runtime(plane, clock)

    asyncio.run(rt.tick())
    plane.broken = False
    plane.control_answer = {"version": 1, "flags": "not a mapping"}
    asyncio.run(rt.tick())

    assert rt.ticks == 2
    assert rt.control.control_version == 0


def test_the_tick_loop_starts_once_on_a_running_loop(clock: FakeClock) -> None:
    plane = FakeLink()
    rt = runtime(plane, clock)
    assert rt.start() is False

    async def main() -> None:
        assert rt.start() is True
        assert rt.start() is True
        for _ in range(100):
            if rt.ticks:
                break
            await asyncio.sleep(0)
        await rt.stop()

    asyncio.run(main())
    assert rt.ticks == 1
    assert len(plane.telemetry) == 1


class CountingPlane(FakeLink):
    """Counts every call a replica makes to the pillar actors."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def _check(self) -> None:
        self.calls += 1
        super()._check()


def test_the_request_path_makes_no_actor_call(clock: FakeClock) -> None:
    """Breakers, bulkheads, limiters, faults and flags are judged from the cached state: no actor call."""
    plane = CountingPlane()
    rt = runtime(plane, clock, u=0.95)
    rt.apply_faults(to_record(fault_board(7, "latency", rate=0.5)))

    async def downstream() -> Envelope:
        return Envelope(200, {"ok": True})

    async def requests() -> None:
        for _ in range(50):
            await rt.run("create_order", lambda _: {"id": "ORD"}, status=201)
            for guard in rt.guards.values():
                await guard.call(downstream)

    asyncio.run(requests())
    assert plane.calls == 0
    asyncio.run(rt.tick())
    assert plane.calls > 0


def test_skipped_work_is_counted_by_cause_and_a_synthetic_request_is_not(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock)
    rt.skip("order_receipts")
    rt.skip("order_receipts")
    with synthetic_scope():
        rt.skip("new_orders")

    assert rt.health()["skipped"] == {"order_receipts": 2}


def test_core_api_off_refuses_business_requests_and_analytics_off_skips_request_metrics(clock: FakeClock) -> None:
    rt = runtime(FakeLink(), clock, service="orders")
    rt.control.apply_control({"version": 1, "flags": {"orders.core_api": False}, "traffic": {}})
    ran: list[int] = []

    refused = asyncio.run(rt.run("create_order", lambda _: ran.append(1)))

    assert (refused.status, refused.body["flag"], ran) == (503, "core_api", [])
    assert rt.health()["skipped"] == {"core_api": 1}
    assert b'outcome="error"' in rt.metrics.render()
    rt.control.apply_control({"version": 2, "flags": {"orders.analytics": False}, "traffic": {}})
    assert asyncio.run(rt.run("create_order", lambda _: "ok")) == Envelope(200, "ok")
    assert b'outcome="ok"' not in rt.metrics.render()
    assert rt.health()["skipped"] == {"core_api": 1, "analytics": 1}
    assert (rt.requests, rt.errors, rt.shed_requests) == (1, 0, 1)  # the refusal is shed, not judged


def test_a_refusal_a_control_asked_for_is_shed_never_an_error_detection_judges(clock: FakeClock) -> None:
    """Else the refusals of an emergency tier would keep alive the very alert that raised it."""
    rt = runtime(FakeLink(), clock, service="gateway")
    refused = Envelope(503, {"status": "refused"}, {"Retry-After": "10"}, shed=True)

    async def refuse(_: Any) -> Envelope:
        return refused

    assert asyncio.run(rt.run_async("place_order", refuse)) == refused
    assert (rt.requests, rt.errors, rt.shed_requests, rt.health()["shed_requests"]) == (0, 0, 1, 1)
    assert rt.telemetry.flush(0.0).requests == 0
