"""The expectation kinds judged on the controls' effects: replicas, flags, tiers, failover, recovery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from aref import topics
from aref.errors import InvalidInputError
from chaos.loadgen import ClientRecord, Outcome
from chaos.runner_expectations import EXPECTATION_KINDS, Status, Verdict
from chaos.runner_observation import ControlSample, Observation, SeenEvent
from chaos.schema import parse_experiment

INJ = 100.0


def obs(**kwargs: Any) -> Observation:
    base: dict[str, Any] = {"target": "payments", "started_at": 90.0, "injected_at": INJ, "fault_end": 160.0}
    return Observation(**{**base, "now": 120.0, **kwargs})


def judge(kind: str, params: Mapping[str, Any], o: Observation) -> Verdict:
    full = EXPECTATION_KINDS[kind].params.model_validate(params).model_dump()
    return EXPECTATION_KINDS[kind].evaluate(full, o)


def test_scaled_out_needs_more_running_replicas_than_before_the_injection() -> None:
    samples = (
        ControlSample(95.0, running={"orders": 1}),
        ControlSample(105.0, running={"orders": 1}),
        ControlSample(112.0, running={"orders": 2}),
    )
    passed = judge("scaled_out", {"within_s": 20, "service": "orders"}, obs(controls=samples))
    assert (passed.status, passed.measured) == (Status.PASSED, 12.0)
    assert "from 1 to 2 running replicas" in passed.detail
    late = judge("scaled_out", {"within_s": 10, "service": "orders"}, obs(controls=samples))
    assert late.status is Status.FAILED
    flat = samples[:2]
    assert judge("scaled_out", {"within_s": 30, "service": "orders"}, obs(controls=flat)).status is Status.PENDING
    expired = judge("scaled_out", {"within_s": 10, "service": "orders"}, obs(controls=flat, now=140.0))
    assert expired.status is Status.FAILED
    unknown = judge("scaled_out", {"within_s": 10, "service": "orders"}, obs(controls=samples[2:]))
    assert (unknown.status, unknown.measured) == (Status.FAILED, None)


def test_flags_disabled_needs_every_named_flag_off() -> None:
    names = ["notifications.search", "notifications.experimental"]
    samples = (
        ControlSample(95.0, flags={"notifications.search": True, "notifications.experimental": True}),
        ControlSample(104.0, flags={"notifications.search": False, "notifications.experimental": True}),
        ControlSample(109.0, flags={"notifications.search": False, "notifications.experimental": False}),
    )
    passed = judge("flags_disabled", {"flags": names, "within_s": 15}, obs(controls=samples))
    assert (passed.status, passed.measured) == (Status.PASSED, 9.0)
    half = judge("flags_disabled", {"flags": names, "within_s": 5}, obs(controls=samples[:2], now=130.0))
    assert half.status is Status.FAILED
    assert "notifications.experimental=True" in half.detail


def test_degraded_to_counts_a_deeper_tier_and_fails_once_the_fault_ended_without_it() -> None:
    samples = (ControlSample(95.0, tiers={"inventory": "full"}), ControlSample(108.0, tiers={"inventory": "emergency"}))
    o = obs(target="inventory", controls=samples)
    assert judge("degraded_to", {"tier": "minimal"}, o).measured == 8.0
    never = obs(target="inventory", controls=(*samples[:1], ControlSample(150.0, tiers={"inventory": "reduced"})))
    assert judge("degraded_to", {"tier": "minimal"}, never).status is Status.PENDING
    ended = obs(target="inventory", controls=never.controls, now=170.0)
    verdict = judge("degraded_to", {"tier": "minimal"}, ended)
    assert verdict.status is Status.FAILED
    assert "reduced" in verdict.detail


def record(failing: tuple[float, float]) -> ClientRecord:
    """An order every second from 90 s to 170 s; those sent in ``failing`` got a 502."""
    outcomes = [Outcome(float(t), 502 if failing[0] <= t < failing[1] else 201, 50.0, None) for t in range(90, 171)]
    return ClientRecord().extended(outcomes)


def captures(*points: tuple[float, int, int]) -> tuple[ControlSample, ...]:
    return tuple(ControlSample(at, captured={"stripe-sim": s, "adyen-sim": a}) for at, s, a in points)


def test_failed_over_measures_the_backups_share_of_a_batch_from_the_providers_counters() -> None:
    counters = captures((95.0, 40, 0), (105.0, 42, 3), (110.0, 42, 9), (150.0, 42, 60))
    params = {"within_s": 30, "max_error_rate": 0.05}
    during = judge("failed_over", params, obs(controls=counters, client=record((100, 106))))
    assert during.status is Status.PENDING  # the error rate after the failover is judged at the fault's end
    ended = obs(controls=counters, client=record((100, 106)), now=170.0)
    verdict = judge("failed_over", params, ended)
    assert (verdict.status, verdict.measured) == (Status.PASSED, 10.0)
    assert "adyen-sim captured 100% of a batch" in verdict.detail
    assert "0/50 orders failed" in verdict.detail
    bad = judge("failed_over", params, obs(controls=counters, client=record((100, 140)), now=170.0))
    assert bad.status is Status.FAILED
    assert "30/50 orders failed" in bad.detail


def test_failed_over_fails_when_the_primary_keeps_the_payments() -> None:
    counters = captures((95.0, 40, 0), (110.0, 49, 1), (125.0, 58, 2))
    verdict = judge("failed_over", {"within_s": 20}, obs(controls=counters, now=130.0))
    assert verdict.status is Status.FAILED
    assert "best share so far 10%" in verdict.detail
    nothing = judge("failed_over", {"within_s": 20}, obs(now=130.0))
    assert "no per-provider counters" in nothing.detail


def test_a_failover_after_the_fault_ended_does_not_count() -> None:
    counters = captures((95.0, 40, 0), (165.0, 40, 10))
    verdict = judge("failed_over", {"within_s": 100}, obs(controls=counters, now=170.0))
    assert verdict.status is Status.PENDING  # nothing measured while the fault acted; the run's end fails it


def step(i: int, outcome: str, at: float, **extra: Any) -> SeenEvent:
    payload = {"recovery_id": "R1", "runbook": "t0", "tier": "T0", "index": i, "step": f"s{i}", "outcome": outcome}
    return SeenEvent(f"E{i}", topics.RUNBOOK_STEP_COMPLETED, at, "C", {**payload, **extra})


def test_recovery_completed_needs_every_step_ok_and_the_run_finished() -> None:
    resolved = SeenEvent("R", topics.RECOVERY_RESOLVED, 130.0, "C", {"tier": "T0", "runbooks": ["t0"]})
    steps = (step(0, "ok", 110.0), step(1, "ok", 115.0))
    waiting = judge("recovery_completed", {"tier": "T0"}, obs(events=steps))
    assert waiting.status is Status.PENDING  # the runbook may have more steps
    done = judge("recovery_completed", {"tier": "T0", "within_s": 60}, obs(events=(*steps, resolved), now=140.0))
    assert (done.status, done.measured) == (Status.PASSED, 15.0)
    counted = (step(0, "ok", 110.0, steps_total=2), step(1, "ok", 115.0, steps_total=2))
    assert judge("recovery_completed", {"tier": "T0"}, obs(events=counted)).status is Status.PASSED
    failed = (step(0, "ok", 110.0), step(1, "failed", 115.0), resolved)
    verdict = judge("recovery_completed", {"tier": "T0", "within_s": 20}, obs(events=failed, now=140.0))
    assert verdict.status is Status.FAILED
    assert "s1: failed" in verdict.detail
    dry = tuple(step(i, "ok", 110.0 + i, dry_run=True, steps_total=2) for i in range(2))
    assert judge("recovery_completed", {"tier": "T0"}, obs(events=dry)).status is Status.PENDING


def test_the_new_kinds_load_from_yaml_and_refuse_bad_parameters() -> None:
    doc: dict[str, Any] = {
        "name": "x",
        "description": "d",
        "target": "payments",
        "fault": {"type": "error", "rate": 0.8, "duration_s": 60, "provider": "stripe-sim"},
        "traffic": {"rate_per_s": 2, "duration_s": 200},
        "steady_state": [{"metric": "error_rate", "max": 0.05}],
        "hypothesis": [
            {"failed_over": {"within_s": 30, "max_error_rate": 0.05}},
            {"degraded_to": "minimal"},
            {"recovery_completed": "T0"},
            {"flags_disabled": {"flags": ["notifications.search"], "within_s": 20}},
            {"scaled_out": 60},
        ],
    }
    experiment = parse_experiment(doc)
    assert experiment.fault.spec("payments").provider == "stripe-sim"
    assert experiment.scaled(0.5).hypothesis[0].params["within_s"] == 15
    assert "stripe" not in experiment.hypothesis_text()
    with pytest.raises(InvalidInputError) as bad_tier:
        parse_experiment({**doc, "hypothesis": [{"degraded_to": "sideways"}]})
    assert bad_tier.value.field == "hypothesis.0.degraded_to.tier"
    with pytest.raises(InvalidInputError) as bad_provider:
        parse_experiment({**doc, "fault": {**doc["fault"], "provider": "visa-sim"}})
    assert bad_provider.value.field == "fault.provider"
    with pytest.raises(InvalidInputError) as removed_flag:
        parse_experiment({**doc, "hypothesis": [{"flags_disabled": {"flags": ["orders.search"], "within_s": 20}}]})
    assert removed_flag.value.field == "hypothesis.0.flags_disabled.flags"
    assert "unknown flag 'orders.search'" in str(removed_flag.value)


def test_a_completed_runbook_names_itself_and_its_step_count() -> None:
    counted = tuple(step(i, "ok", 110.0 + i, steps_total=3) for i in range(3))
    verdict = judge("recovery_completed", {"tier": "T0", "within_s": 30}, obs(events=counted))
    assert verdict == Verdict(
        Status.PASSED, 12.0, "T0 runbook completed (t0: 3 steps ok) after 12.0 s; expected within 30 s"
    )
