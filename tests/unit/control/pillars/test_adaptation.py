"""AdaptationService: scale requests carried out through the scaler at settle, a human's scale, read-backs."""

from __future__ import annotations

import asyncio

import pytest

from aref import topics
from aref.control.host import in_process
from aref.control.pillars.adaptation import OBSERVE_EVERY_TICKS, AdaptationService
from aref.control.ports import LoadObservation, ReplicaCount
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Event, EventCategory
from tests.unit.control.pillars.env import FakeEnvironment, pillar_settings

run = asyncio.run
BUSY = LoadObservation("orders", 2, rate_per_s=200.0, latency_p99_ms=40.0, error_rate=0.0, ongoing_per_replica=6.0)


def busy_for(adaptation: AdaptationService, env: FakeEnvironment, seconds: int) -> None:
    """Feed BUSY once a second (the default up window is 5 s), reading capacity back as the service does."""
    for _ in range(seconds):
        adaptation.observe_load(BUSY)
        adaptation.tick()
        run(adaptation._observe())
        env.fake_clock.advance(1)


def adaptation_in(env: FakeEnvironment) -> AdaptationService:
    return AdaptationService(pillar_settings().adaptation, env)


def test_a_scale_requested_event_is_applied_through_the_scaler_at_settle() -> None:
    env = FakeEnvironment()
    adaptation = adaptation_in(env)
    payload = {"service": "orders", "current": 1, "desired": 3, "reason": "load"}
    adaptation.sink.emit(
        Event.create(EventCategory.ADAPTATION, "scale_requested", source="adaptation", clock=env.clock, payload=payload)
    )
    adaptation.flush()
    assert env.published.topics() == [topics.SCALE_REQUESTED]
    assert env.replicas.scaled == []  # the runtime is reached at settle, not while publishing
    run(adaptation.settle())
    assert env.replicas.scaled == [("orders", 3)]
    assert env.replicas.count("orders").running == 3
    assert adaptation.replicas["orders"].replica_ids == env.replicas.count("orders").replica_ids  # read back
    assert adaptation.engine.autoscaler.state("orders").current == 3


def test_the_policy_scales_a_busy_service_within_what_the_fleet_can_place() -> None:
    env = FakeEnvironment()
    adaptation = adaptation_in(env)
    busy_for(adaptation, env, 7)  # 6 in flight per replica, target 2: one replica more once sustained
    (requested,) = env.published.of(topics.SCALE_REQUESTED)
    # from Serve's count (1 running), not from the 2 replicas the load samples say reported
    assert (requested.payload["service"], requested.payload["current"], requested.payload["desired"]) == (
        "orders",
        1,
        2,
    )
    run(adaptation.settle())
    assert (env.replicas.scaled, env.replicas.running("orders")) == ([("orders", 2)], 2)
    env.replicas.cpu_busy = 0.95  # a saturated node places nothing more
    busy_for(adaptation, env, 30)
    assert len(env.published.of(topics.SCALE_REQUESTED)) <= 2  # at most the undo of an ineffective scale-out
    assert all(e.payload["desired"] <= 2 for e in env.published.of(topics.SCALE_REQUESTED))
    assert adaptation.engine.status()["scaling"]["orders"]["placeable"] == env.replicas.running("orders")


def test_load_of_an_unknown_service_is_ignored() -> None:
    env = FakeEnvironment()
    adaptation = adaptation_in(env)
    adaptation.observe_load(LoadObservation("billing", 1, 100.0, 10.0, 0.0))
    adaptation.tick()
    run(adaptation.settle())
    assert (env.published.events, env.replicas.scaled) == ([], [])


def test_a_refused_scale_is_kept_among_the_scale_errors() -> None:
    env = FakeEnvironment()
    env.replicas.refuse = ConflictError("serve is busy")
    adaptation = adaptation_in(env)
    busy_for(adaptation, env, 7)
    run(adaptation.settle())
    assert env.replicas.running("orders") == 1
    assert adaptation.scale_errors == ["orders->2: serve is busy"]
    assert run(adaptation.status())["scale_errors"] == ["orders->2: serve is busy"]


def test_replica_counts_are_read_back_every_few_ticks() -> None:
    env = FakeEnvironment()
    adaptation = adaptation_in(env)
    for _ in range(OBSERVE_EVERY_TICKS - 1):
        adaptation.tick()
    run(adaptation.settle())
    assert adaptation.replicas == {}
    adaptation.tick()
    run(adaptation.settle())
    assert adaptation.replicas["payments"] == env.replicas.count("payments")
    assert set(adaptation.replicas) == set(run(env.replicas.replicas()))


def test_a_human_scale_out_of_bounds_is_refused_naming_replicas() -> None:
    env = FakeEnvironment()
    adaptation = in_process(adaptation_in(env))
    for bad in (0, 5, True, 2.0):
        with pytest.raises(InvalidInputError) as caught:
            run(adaptation.scale("orders", bad))  # type: ignore[arg-type]
        assert caught.value.field == "replicas"
    with pytest.raises(NotFoundError) as unknown:
        run(adaptation.scale("billing", 2))
    assert (unknown.value.kind, unknown.value.key) == ("service", "billing")
    assert (env.replicas.scaled, env.published.events) == ([], [])


def test_a_human_scale_is_applied_announced_kept_as_the_floor_and_read_back() -> None:
    env = FakeEnvironment()
    adaptation = in_process(adaptation_in(env))
    count = run(adaptation.scale("orders", 3))
    assert count == ReplicaCount("orders", 3, 3, "RUNNING", env.replicas.count("orders").replica_ids)
    assert len(count.replica_ids) == 3
    assert env.replicas.scaled == [("orders", 3)]
    (scaled,) = env.published.of("system.replicas_scaled")
    assert scaled.payload == {"service": "orders", "previous": 1, "replicas": 3, "actor": "human"}
    assert scaled.source == "adaptation"
    assert adaptation.engine.autoscaler.state("orders").floor == 3
    again = run(adaptation.scale("orders", 2))
    assert again.running == 2
    assert env.published.of("system.replicas_scaled")[-1].payload["previous"] == 3
    assert run(adaptation.replica_counts())["orders"].running == 2


def test_a_refused_human_scale_is_raised_and_announces_nothing() -> None:
    env = FakeEnvironment()
    env.replicas.refuse = ConflictError("serve is busy")
    adaptation = in_process(adaptation_in(env))
    with pytest.raises(ConflictError):
        run(adaptation.scale("orders", 3))
    assert env.published.of("system.replicas_scaled") == []
    assert adaptation.engine.autoscaler.state("orders").floor == 0


def test_a_replica_pulls_its_flags_and_traffic_weights() -> None:
    env = FakeEnvironment()
    adaptation = in_process(adaptation_in(env))
    control = run(adaptation.control_for("payments"))
    assert set(control) == {"version", "flags", "traffic"}
    assert all(enabled is True for enabled in control["flags"].values())
    weights = run(adaptation.set_weights("payments", {"primary": 0, "backup": 100}))
    assert weights == {"primary": 0, "backup": 100}
    after = run(adaptation.control_for("payments"))
    assert after["traffic"] == weights
    assert after["version"] > control["version"]
    assert env.published.of(topics.TRAFFIC_SHIFTED)[-1].payload["weights"] == weights


def observed_at_ticks(adaptation: AdaptationService, env: FakeEnvironment, ticks: int) -> list[int]:
    """The ticks (1-based) after which the fleet was read, one second apart."""
    reads = []
    for n in range(1, ticks + 1):
        before = env.replicas.reads
        adaptation.tick()
        run(adaptation.settle())
        env.fake_clock.advance(1)
        if env.replicas.reads > before:
            reads.append(n)
    return reads


def test_a_settled_idle_fleet_is_read_less_often_and_load_brings_the_fast_pace_back() -> None:
    env = FakeEnvironment()
    adaptation = adaptation_in(env)
    assert observed_at_ticks(adaptation, env, 10) == [2, 5, 10]  # unknown at first, then settled and idle
    adaptation.observe_load(BUSY)
    assert observed_at_ticks(adaptation, env, 6) == [2, 4, 6]


def test_a_fleet_not_at_its_target_is_read_at_the_fast_pace() -> None:
    env = FakeEnvironment()
    adaptation = adaptation_in(env)
    env.replicas.lagging = True
    assert observed_at_ticks(adaptation, env, 8) == [2, 4, 6, 8]
