from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from aref.errors import ArefError, RejectedError, StoreError
from aref.testing import FakeClock, MemoryStore
from chaos.faults import FaultSpec, FaultType
from chaos.loadgen import ClientRecord
from chaos.runner import ExperimentRunner, RunnerConfig
from chaos.runner_ports import StoreRunSink
from chaos.runner_record import RunRecord
from chaos.schema import Experiment
from tests.unit.chaos.runner_fakes import DETECTORS, T0, FakeApi, FakeLoad, build, errors_early, experiment, incident


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def api(clock: FakeClock) -> FakeApi:
    fake = FakeApi(clock)
    incident(fake)
    return fake


def run(runner: ExperimentRunner, exp: Experiment, force: bool = False) -> RunRecord:
    return asyncio.run(runner.run(exp, force=force))


def by_kind(record: RunRecord) -> Mapping[str, Any]:
    return {e.kind: e for e in record.expectations}


def test_a_passing_run_measures_every_expectation_and_the_pillar_times(clock: FakeClock, api: FakeApi) -> None:
    load = FakeLoad(clock, errors_early)
    record = run(build(clock, api, load), experiment())
    assert record.passed
    assert api.injected[0][0] == FaultSpec("payments", FaultType.ERROR, 0.8, 60.0)
    assert api.stopped == ["FLT-1"]
    assert load.stops == 1
    assert (record.injected_at, record.rolled_back_at) == (T0 + 10, T0 + 70)
    assert (record.mttd_s, record.time_to_mitigate_s, record.mttr_s) == (7.0, 8.0, 25.0)
    assert record.mitigation == "adaptation.strategy_executed"
    results = by_kind(record)
    assert results["detected_within_s"].measured == 7.0
    assert results["breaker_opens"].measured == 10.0
    assert results["error_rate_below"].measured == 0.25
    assert results["recovered_within_s"].measured == 0.0  # restored at +25, before the rollback at +60
    assert results["review_generated"].measured == 70.0
    assert record.ended_at == T0 + 80  # stopped as soon as the review settled the hypothesis
    assert record.steady_state_before.ok
    assert record.steady_state_after is not None
    assert record.steady_state_after.ok


def test_ground_truth_comes_from_the_client_record_and_the_injection_timestamp(clock: FakeClock, api: FakeApi) -> None:
    record = run(build(clock, api, FakeLoad(clock, errors_early)), experiment())
    truth = record.ground_truth
    assert (truth.during_fault.requests, truth.during_fault.errors, truth.during_fault.error_rate) == (120, 30, 0.25)
    assert (truth.during_fault.latency_p50_ms, truth.during_fault.latency_p99_ms) == (50.0, 120.0)
    assert truth.client.requests == 160  # T0 .. T0+80, every 0.5 s
    detectors = {d.detector: d for d in truth.detectors}
    assert list(detectors) == DETECTORS
    assert (detectors["threshold"].detection_delay_s, detectors["threshold"].true_positives) == (7.0, 1)
    assert detectors["threshold"].false_positives == 1  # fired at T0+5, before the injection
    assert (detectors["zscore"].detection_delay_s, detectors["zscore"].missed) == (12.0, False)
    assert [d for d, t in detectors.items() if t.missed] == ["isolation_forest", "slo_burn", "synthetic"]
    assert record.alerts_per_detector == {"slo_burn": 1, "threshold": 2, "zscore": 1}
    assert record.fault_window == (T0 + 10, T0 + 75)


def test_a_failing_expectation_carries_the_numbers(clock: FakeClock, api: FakeApi) -> None:
    exp = experiment([{"detected_within_s": 5}, {"error_rate_below": 0.2}])
    record = run(build(clock, api, FakeLoad(clock, errors_early)), exp)
    assert not record.passed
    results = by_kind(record)
    assert (results["detected_within_s"].passed, results["detected_within_s"].measured) == (False, 7.0)
    assert results["detected_within_s"].detail == "alert on payments (threshold) after 7.0 s; expected within 5 s"
    assert (results["error_rate_below"].passed, results["error_rate_below"].measured) == (False, 0.25)
    assert "30/120 orders failed (25.0%)" in results["error_rate_below"].detail


def test_an_expectation_that_cannot_be_measured_fails_with_the_reason(clock: FakeClock, api: FakeApi) -> None:
    api.alert_list, api.event_list = [], []
    exp = experiment([{"detected_within_s": 30}, {"review_generated": True}])
    record = run(build(clock, api, FakeLoad(clock)), exp)
    detected, review = record.expectations
    assert (detected.passed, detected.measured, detected.detail) == (False, None, "no alert on payments within 30 s")
    assert not review.passed
    assert review.detail == "not settled after 120.0 s of observation: no review for payments yet (120.0 s observed)"
    assert record.mttd_s is None
    assert record.time_to_mitigate_s is None
    assert record.mttr_s == 0.0
    assert record.recovery_note == "steady state never lost"


def test_the_fault_is_rolled_back_when_the_run_fails(clock: FakeClock, api: FakeApi) -> None:
    api.fail_alerts_with = RuntimeError("bug while polling")
    load = FakeLoad(clock)
    with pytest.raises(RuntimeError, match="bug while polling"):
        run(build(clock, api, load), experiment())
    assert api.stopped == ["FLT-1"]
    assert load.stops == 1


def test_the_fault_is_rolled_back_on_keyboard_interrupt(clock: FakeClock, api: FakeApi) -> None:
    load = FakeLoad(clock, errors_early)
    with pytest.raises(KeyboardInterrupt):
        run(build(clock, api, load, interrupt_at=T0 + 30), experiment())
    assert len(api.injected) == 1
    assert api.stopped == ["FLT-1"]
    assert load.stops == 1


def test_an_api_read_that_fails_is_counted_not_fatal(clock: FakeClock, api: FakeApi) -> None:
    api.fail_alerts_with = ArefError("cannot reach AREF")
    record = run(build(clock, api, FakeLoad(clock)), experiment([{"error_rate_below": 0.5}]))
    assert record.passed
    assert record.poll_errors == 61  # one failed alerts read per poll, T0+10 .. T0+70
    assert api.stopped == ["FLT-1"]


def test_a_low_error_budget_refuses_the_run_before_anything_starts(clock: FakeClock, api: FakeApi) -> None:
    api.budgets = [
        {"service": "payments", "slo": "payments-availability", "remaining": 0.5},
        {"service": "payments", "slo": "payments-latency", "remaining": 0.1},
        {"service": "orders", "slo": "orders-availability", "remaining": 0.0},
    ]
    load = FakeLoad(clock)
    with pytest.raises(RejectedError, match="payments-latency has 10% left outside experiments, below the floor 20%"):
        run(build(clock, api, load), experiment())
    assert (api.injected, load.started, api.stopped) == ([], [], [])


def test_the_gate_reads_the_budget_outside_experiments(clock: FakeClock, api: FakeApi) -> None:
    """Earlier experiments spent the budget (0% with their burn): the next one still runs, and its record
    keeps both numbers; an outage's burn (10% left outside experiments) refuses it."""
    api.budgets = [
        {"service": "payments", "slo": "payments-availability", "remaining": 0.0, "remaining_outside_experiments": 0.9}
    ]
    record = run(build(clock, api, FakeLoad(clock)), experiment())
    assert (record.error_budget_remaining, record.error_budget_with_experiments) == (0.9, 0.0)
    api.budgets[0]["remaining_outside_experiments"] = 0.1
    with pytest.raises(RejectedError, match="10% left outside experiments"):
        run(build(clock, api, FakeLoad(clock)), experiment())


def test_force_overrides_the_budget_floor_and_records_it(clock: FakeClock, api: FakeApi) -> None:
    api.budgets = [{"service": "payments", "slo": "payments-availability", "remaining": 0.1}]
    record = run(build(clock, api, FakeLoad(clock, errors_early)), experiment(), force=True)
    assert (record.forced, record.error_budget_remaining) == (True, 0.1)
    assert len(api.injected) == 1


def test_a_broken_steady_state_refuses_the_injection_and_stops_the_load(clock: FakeClock, api: FakeApi) -> None:
    load = FakeLoad(clock, lambda at: at < T0 + 10)
    with pytest.raises(RejectedError, match=r"errors = 1 \(max 0.05\) VIOLATED"):
        run(build(clock, api, load), experiment())
    assert (api.injected, api.stopped, load.stops) == ([], [], 1)


class LateLoad(FakeLoad):
    """No order has been answered before ``first_answer_at`` (a slow start after the last experiment)."""

    def __init__(self, clock: FakeClock, first_answer_at: float) -> None:
        super().__init__(clock)
        self.first_answer_at = first_answer_at

    async def record(self) -> ClientRecord:
        return await super().record() if self.clock.now() >= self.first_answer_at else ClientRecord()


def test_without_answered_orders_yet_the_steady_state_waits_for_data_before_judging(
    clock: FakeClock, api: FakeApi
) -> None:
    load = LateLoad(clock, first_answer_at=T0 + 14)  # warm-up ends at T0 + 10
    record = run(build(clock, api, load), experiment())
    assert record.steady_state_before.ok
    assert record.steady_state_before.at == T0 + 14
    assert record.injected_at == T0 + 14


def test_a_steady_state_without_data_after_the_wait_is_refused(clock: FakeClock, api: FakeApi) -> None:
    load = LateLoad(clock, first_answer_at=T0 + 10 + RunnerConfig().data_wait_s + 5)
    with pytest.raises(RejectedError, match=r"errors = no data \(max 0.05\) VIOLATED"):
        run(build(clock, api, load), experiment())
    assert (api.injected, load.stops, clock.now()) == ([], 1, T0 + 10 + RunnerConfig().data_wait_s)


def test_replica_replacement_is_timed_from_the_dip_back_to_the_level_before(clock: FakeClock, api: FakeApi) -> None:
    api.replicas = lambda now: 1 if T0 + 12 <= now < T0 + 15 else 2
    api.inject_extra = {"replicas_killed": ["r-1"]}
    exp = experiment([{"replica_replaced": {"within_s": 10}}], fault={"type": "crash", "rate": 0.5, "duration_s": 30})
    record = run(build(clock, api, FakeLoad(clock)), exp)
    (result,) = record.expectations
    assert (result.passed, result.measured) == (True, 5.0)
    assert result.detail == "payments back to 2 running replicas (dipped to 1) after 5.0 s; expected within 10 s"
    assert api.stopped == ["FLT-1"]  # rolled back as soon as the hypothesis settled
    assert record.rolled_back_at == T0 + 15


def test_records_are_stored_through_the_sink(clock: FakeClock, api: FakeApi) -> None:
    store = MemoryStore()
    record = run(build(clock, api, FakeLoad(clock, errors_early), sink=StoreRunSink(store)), experiment())
    stored = store.get("experiment_runs", record.id)
    assert stored is not None
    assert stored["passed"] is True
    assert RunRecord.from_dict(stored) == record


def test_a_sink_failure_keeps_the_record_and_says_why(clock: FakeClock, api: FakeApi) -> None:
    class BrokenSink:
        async def save_run(self, run_id: str, record: Mapping[str, Any]) -> None:
            raise StoreError("disk full")

    record = run(build(clock, api, FakeLoad(clock, errors_early), sink=BrokenSink()), experiment())
    assert record.storage_error == "disk full"
    assert record.passed


def test_time_scale_shortens_the_run(clock: FakeClock, api: FakeApi) -> None:
    exp = experiment([{"error_rate_below": 0.5}]).scaled(0.5)
    record = run(build(clock, api, FakeLoad(clock, errors_early)), exp)
    assert api.injected[0][0].duration_s == 30.0
    assert (record.injected_at, record.rolled_back_at, record.time_scale) == (T0 + 5, T0 + 35, 0.5)


def test_the_fault_waits_until_aref_stands_down_from_what_it_was_doing(clock: FakeClock, api: FakeApi) -> None:
    """A flag still off from earlier load holds the load and the fault until it is back on (then 10 s warm-up)."""
    api.flag_states = lambda now: {"gateway.receipts": now >= T0 + 25}
    told: list[tuple[str, ...]] = []

    def progress(phase: str, info: Mapping[str, Any]) -> None:
        if phase == "standing_down":
            told.append(info["busy"])

    load = FakeLoad(clock)
    record = run(build(clock, api, load, on_progress=progress), experiment())
    assert told == [("gateway.receipts off",)]  # said once, while it lasted
    assert load.started_at == [T0 + 25]  # the wait ate none of the plan's duration
    assert record.injected_at == T0 + 25 + 10


def test_after_the_stand_down_wait_the_fault_goes_in_anyway(clock: FakeClock, api: FakeApi) -> None:
    api.flag_states = lambda now: {"orders.analytics": False}  # a human's choice: it never comes back
    record = run(build(clock, api, FakeLoad(clock)), experiment())
    assert record.injected_at == T0 + RunnerConfig().rest_wait_s + 10
