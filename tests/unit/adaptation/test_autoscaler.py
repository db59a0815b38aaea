"""The autoscaler on a fake timeline: one decision per tick, stabilized, placed, judged by its effect."""

from __future__ import annotations

import pytest

from aref.adaptation.autoscaler import Autoscaler, ReplicaState
from aref.adaptation.capacity import ClusterCapacity
from aref.adaptation.scaling import LoadSignals, ScaleDecision, ScalingPolicy
from aref.errors import InvalidInputError, NotFoundError

from .factories import T0

POLICY = ScalingPolicy(
    min_replicas=1,
    max_replicas=4,
    cooldown_seconds=10,
    target_ongoing=2,
    up_stabilization_seconds=3,
    down_stabilization_seconds=60,
    effect_ticks=5,
)
SERVICES = ("gateway", "orders", "payments")


def load(ongoing: float, latency: float = 100.0, rate: float = 20.0) -> LoadSignals:
    return LoadSignals(ongoing, latency_p99_ms=latency, request_rate=rate, latency_mean_ms=latency)


def roomy(at: float) -> ClusterCapacity:
    return ClusterCapacity(at, cpu_free=1.5, memory_free_mb=16_000, cpu_busy=0.2, cpu_per_replica={})


class Timeline:
    """An autoscaler fed once per second, as the adaptation service feeds it."""

    def __init__(self, policy: ScalingPolicy = POLICY) -> None:
        self.scaler = Autoscaler(SERVICES, policy, stale_after_seconds=10)
        self.now = T0
        self.decisions: list[tuple[float, ScaleDecision]] = []

    def tick(self, loads: dict[str, LoadSignals], capacity: ClusterCapacity | None = None) -> list[ScaleDecision]:
        self.now += 1
        self.scaler.set_capacity(capacity or roomy(self.now))
        for service, signals in loads.items():
            state = self.scaler.state(service)
            self.scaler.observe(service, state.desired, signals, self.now)  # requested replicas come up at once
        made = self.scaler.evaluate(self.now)
        self.decisions += [(self.now, d) for d in made]
        return made

    def run(self, seconds: int, loads: dict[str, LoadSignals], capacity: ClusterCapacity | None = None) -> None:
        for _ in range(seconds):
            self.tick(loads, capacity)

    def of(self, service: str) -> list[int]:
        return [d.desired for _, d in self.decisions if d.service == service]


def test_starts_at_the_minimum() -> None:
    assert Autoscaler(["orders"], POLICY).state("orders") == ReplicaState("orders", 1, 1)


def test_a_sustained_load_adds_one_replica_after_the_up_window() -> None:
    line = Timeline()
    line.run(3, {"orders": load(6)})
    assert line.decisions == []  # the up window (3 s) is not yet covered
    line.run(1, {"orders": load(6)})
    assert [(d.current, d.desired) for _, d in line.decisions] == [(1, 2)]
    assert "6.00 in flight per replica" in line.decisions[0][1].reason


def test_one_service_per_tick_neediest_first() -> None:
    line = Timeline()
    loads = {"gateway": load(3), "orders": load(9), "payments": load(5)}
    line.run(4, loads)
    first = line.decisions[-1][1]
    assert [d.service for _, d in line.decisions] == ["orders"]
    assert first.desired == 2
    line.run(2, loads)
    assert [d.service for _, d in line.decisions] == ["orders", "payments", "gateway"]


def test_never_above_what_the_cluster_can_place() -> None:
    line = Timeline()
    busy = ClusterCapacity(T0, cpu_free=1.5, memory_free_mb=16_000, cpu_busy=0.95, cpu_per_replica={})
    for _ in range(20):
        line.tick({"orders": load(9)}, busy.__class__(line.now + 1, 1.5, 16_000, 0.95, {}))
    assert line.decisions == []
    status = line.scaler.status(line.now)["orders"]
    assert (status["placeable"], status["reason"]) == (1, "hold: node CPU 95% busy > 80%")

    def tight(at):
        return ClusterCapacity(at, cpu_free=0.06, memory_free_mb=16_000, cpu_busy=0.2, cpu_per_replica={"orders": 0.05})

    for _ in range(60):
        line.tick({"orders": load(9)}, tight(line.now + 1))
        assert line.scaler.state("orders").desired <= 2  # one token's worth above the first
    assert line.of("orders")[0] == 2


def test_unknown_capacity_places_nothing() -> None:
    scaler = Autoscaler(["orders"], ScalingPolicy(up_stabilization_seconds=0), stale_after_seconds=10)
    scaler.observe("orders", 1, load(9), T0)
    assert scaler.evaluate(T0) == []
    assert scaler.state("orders").reason == "hold: cluster capacity unknown"


def test_no_flapping_under_oscillating_load() -> None:
    line = Timeline()
    for cycle in range(30):  # 10 s busy, 10 s idle, for 10 minutes; each replica halves the latency
        for _ in range(10):
            replicas = line.scaler.state("orders").desired
            busy = load(9 / replicas, latency=400 / replicas)
            line.tick({"orders": busy if cycle % 2 == 0 else load(0.1, latency=20)})
    assert line.of("orders") == [2, 3, 4]  # up while busy; a 10 s lull never covers the 60 s down window
    assert line.scaler.state("orders").turns == 0
    assert all(v.effective for v in line.scaler.take_verdicts())


def test_at_most_one_direction_change_per_window() -> None:
    line = Timeline(ScalingPolicy(cooldown_seconds=0, up_stabilization_seconds=0, down_stabilization_seconds=20))
    line.run(1, {"orders": load(9, latency=50)})  # up to 2 (judged effective below: latency falls)
    line.run(10, {"orders": load(2, latency=20)})
    line.run(21, {"orders": load(0.1, latency=20)})  # down: the first turn
    line.run(5, {"orders": load(9, latency=20)})  # up again within 20 s of the turn: refused
    assert line.of("orders") == [2, 1]
    assert line.scaler.state("orders").reason == "hold: at most one change of direction per stabilization window"
    line.run(20, {"orders": load(9, latency=20)})
    assert line.of("orders") == [2, 1, 2]
    assert line.scaler.state("orders").turns == 2


def test_an_ineffective_scale_out_is_recorded_undone_and_not_repeated() -> None:
    line = Timeline()
    line.run(4, {"orders": load(6, latency=400)})
    assert line.of("orders") == [2]
    assert line.scaler.status(line.now)["orders"]["judging"] is True
    line.run(5, {"orders": load(3, latency=420)})  # more replicas, no better
    assert line.of("orders") == [2, 1]
    [verdict] = line.scaler.take_verdicts()
    assert (verdict.effective, verdict.previous, verdict.desired) == (False, 1, 2)
    assert verdict.latency_before_ms == 400
    assert verdict.latency_after_ms == 420
    status = line.scaler.status(line.now)["orders"]
    assert (status["ineffective"], status["held_until"]) == (1, line.now + 60)
    line.run(59, {"orders": load(6, latency=400)})
    assert line.of("orders") == [2, 1]
    assert "last scale-out was ineffective" in line.scaler.state("orders").reason
    assert line.scaler.summary(line.now)["verdicts"][0]["effective"] is False


def test_an_effective_scale_out_is_kept() -> None:
    line = Timeline()
    line.run(4, {"orders": load(6, latency=400)})
    line.run(5, {"orders": load(2, latency=150)})
    [verdict] = line.scaler.take_verdicts()
    assert verdict.effective
    assert verdict.reason == "mean latency 400 -> 150 ms"
    assert line.of("orders") == [2]


def test_stale_load_is_ignored() -> None:
    scaler = Autoscaler(["orders"], ScalingPolicy(up_stabilization_seconds=0), stale_after_seconds=10)
    scaler.set_capacity(roomy(T0))
    scaler.observe("orders", 1, load(9), T0)
    assert scaler.evaluate(T0 + 10.5) == []
    assert scaler.evaluate(T0 + 1) == [
        ScaleDecision("orders", 1, 2, "9.00 in flight per replica, target 2; sustained 0s")
    ]


def test_switched_off_it_asks_for_nothing() -> None:
    line = Timeline()
    line.scaler.set_enabled(False)
    line.run(10, {"orders": load(9)})
    assert line.decisions == []
    assert line.scaler.request("orders", 3, line.now, "strategy") is None
    assert line.scaler.summary(line.now)["enabled"] is False


def test_a_strategy_request_is_clamped_placed_and_deduplicated() -> None:
    scaler = Autoscaler(["orders", "payments"], POLICY)
    assert scaler.request("orders", 2, T0, "strategy") is None  # capacity unknown
    scaler.set_capacity(ClusterCapacity(T0, 0.1, 16_000, 0.1, {"orders": 0.05}))
    assert scaler.request("orders", 9, T0, "strategy") == ScaleDecision(
        "orders", 1, 3, "strategy; capped: 0.1 CPU tokens free"
    )
    assert scaler.request("orders", 3, T0 + 20, "again") is None
    assert scaler.request("payments", 1, T0, "same as current") is None


def test_a_count_set_by_a_human_is_a_floor() -> None:
    line = Timeline(ScalingPolicy(cooldown_seconds=0, up_stabilization_seconds=0, down_stabilization_seconds=5))
    line.scaler.set_manual("payments", 3, line.now)
    line.run(10, {"payments": load(0.0)})
    assert line.of("payments") == []
    assert line.scaler.state("payments").reason == "hold: a human set 3"
    assert line.scaler.status(line.now)["payments"]["floor"] == 3
    with pytest.raises(InvalidInputError):
        line.scaler.set_manual("payments", 9, line.now)


def test_counts_outside_the_bounds_are_corrected_at_once() -> None:
    line = Timeline()
    line.tick({"orders": load(2)})
    line.scaler.observe("orders", 0, load(2), line.now)
    assert line.scaler.evaluate(line.now) == [ScaleDecision("orders", 0, 1, "0 replicas is outside [1, 4]")]


def test_load_keeps_requests_cooldowns_and_counters_but_not_observations() -> None:
    scaler = Autoscaler(["orders"], POLICY)
    scaler.load([ReplicaState("orders", 2, 3, T0, "before restart", changes=4, turns=1), ReplicaState("billing", 1, 2)])
    assert scaler.state("orders") == ReplicaState("orders", 1, 3, T0, "before restart", changes=4, turns=1)
    status = scaler.status(T0 + 5)["orders"]
    assert (status["current"], status["desired"], status["cooling_down"], status["changes"]) == (1, 3, True, 4)


def test_set_observed_validates() -> None:
    scaler = Autoscaler(["orders"], POLICY)
    for bad in (-1, 1.5, True):
        with pytest.raises(InvalidInputError) as caught:
            scaler.set_observed("orders", bad)  # type: ignore[arg-type]
        assert caught.value.field == "replicas"
    with pytest.raises(NotFoundError):
        scaler.set_observed("billing", 1)


def test_invalid_construction() -> None:
    with pytest.raises(InvalidInputError) as services:
        Autoscaler([], POLICY)
    with pytest.raises(InvalidInputError) as stale:
        Autoscaler(["orders"], POLICY, stale_after_seconds=0)
    assert (services.value.field, stale.value.field) == ("services", "stale_after_seconds")


def test_replicas_still_stopping_do_not_count_once_serve_has_reported_the_real_count() -> None:
    line = Timeline()
    line.scaler.set_observed("payments", 2)
    line.scaler.observe("payments", 5, load(2), line.now)  # 2 running + 3 that Serve is still stopping reported

    assert line.scaler.state("payments").current == 2
    assert line.scaler.evaluate(line.now) == []  # no "5 is outside [1, 4]" scale to 4


def test_before_serve_reports_a_count_the_load_sample_stands_for_it() -> None:
    scaler = Autoscaler(["orders"], POLICY)
    scaler.observe("orders", 3, load(2), T0)
    assert scaler.state("orders").current == 3
