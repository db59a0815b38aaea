from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chaos.loadgen import ClientRecord, Outcome
from chaos.runner_expectations import (
    EXPECTATION_KINDS,
    ExpectationKind,
    OptionalWithin,
    Status,
    Verdict,
    registry,
)
from chaos.runner_observation import Observation, ReplicaSample, SeenAlert, SeenEvent, SteadySample
from chaos.schema import parse_experiment

INJ = 100.0


def obs(**kwargs: Any) -> Observation:
    base: dict[str, Any] = {"target": "payments", "started_at": 90.0, "injected_at": INJ, "fault_end": 160.0}
    return Observation(**{**base, "now": 120.0, **kwargs})


def judge(kind: str, params: Mapping[str, Any], o: Observation) -> Verdict:
    return EXPECTATION_KINDS[kind].evaluate(params, o)


def test_the_registry_holds_every_kind_the_experiments_use() -> None:
    assert list(EXPECTATION_KINDS) == [
        "detected_within_s",
        "breaker_opens",
        "error_rate_below",
        "recovered_within_s",
        "review_generated",
        "replica_replaced",
        "scaled_out",
        "flags_disabled",
        "degraded_to",
        "failed_over",
        "recovery_completed",
    ]


def test_detection_passes_fails_or_waits() -> None:
    alert = SeenAlert("A", "payments", "threshold", 112.0, "C")
    assert judge("detected_within_s", {"within_s": 15}, obs(alerts=(alert,))) == Verdict(
        Status.PASSED, 12.0, "alert on payments (threshold) after 12.0 s; expected within 15 s"
    )
    late = judge("detected_within_s", {"within_s": 10}, obs(alerts=(alert,)))
    assert (late.status, late.measured) == (Status.FAILED, 12.0)
    waiting = judge("detected_within_s", {"within_s": 30}, obs())
    assert waiting == Verdict(Status.PENDING, None, "no alert on payments yet (20.0 s observed)")
    assert judge("detected_within_s", {"within_s": 15}, obs(lag_s=5)).status is Status.PENDING  # 20 s < 15 + 5
    assert judge("detected_within_s", {"within_s": 15}, obs(lag_s=4)).status is Status.FAILED


def test_a_breaker_without_a_deadline_waits_until_the_end() -> None:
    params = {"edge": "gateway->payments", "within_s": None}
    assert judge("breaker_opens", params, obs(now=1000.0)).status is Status.PENDING
    opened = SeenEvent("E", "absorption.circuit_breaker_opened", 150.0, None, {"breaker": "gateway->payments"})
    assert judge("breaker_opens", params, obs(events=(opened,))).measured == 50.0


def test_the_error_rate_is_judged_over_the_fault_window_once_it_ended() -> None:
    outcomes = tuple(Outcome(float(at), 503 if at < 104 else 201, 1.0) for at in range(96, 140))
    record = ClientRecord(outcomes)
    assert judge("error_rate_below", {"max": 0.2}, obs(client=record)).status is Status.PENDING
    ended = obs(client=record, now=150.0, rolled_back_at=120.0)
    verdict = judge("error_rate_below", {"max": 0.2}, ended)
    # requests sent in [100, 120): 20, of which 100..103 failed; "below" is strict
    assert verdict == Verdict(Status.FAILED, 0.2, "4/20 orders failed (20.0%) during the fault; expected below 20.0%")
    assert judge("error_rate_below", {"max": 0.25}, ended).status is Status.PASSED
    silent = judge("error_rate_below", {"max": 0.2}, obs(now=170.0))
    assert silent == Verdict(Status.FAILED, None, "no client requests were sent during the fault window")


def test_recovery_is_timed_from_the_injection_or_the_rollback() -> None:
    steady = tuple(SteadySample(at, ok) for at, ok in ((101, False), (112, True), (131, True)))
    since_injection = judge(
        "recovered_within_s", {"within_s": 15, "since": "injection"}, obs(steady=steady, now=131, rolled_back_at=130)
    )
    assert (since_injection.status, since_injection.measured) == (Status.PASSED, 12.0)
    after_rollback = judge(
        "recovered_within_s", {"within_s": 15, "since": "rollback"}, obs(steady=steady, now=131, rolled_back_at=105)
    )
    assert (after_rollback.status, after_rollback.measured) == (Status.PASSED, 7.0)
    not_yet = judge("recovered_within_s", {"within_s": 15, "since": "rollback"}, obs(steady=steady))
    assert not_yet.status is Status.PENDING
    assert not_yet.detail.startswith("not rolled back yet")


def test_recovery_fails_once_it_can_no_longer_come_in_time() -> None:
    broken = tuple(SteadySample(at, False) for at in (101, 110, 125))
    params = {"within_s": 20, "since": "injection"}
    assert judge("recovered_within_s", params, obs(steady=broken, now=119)).status is Status.PENDING
    verdict = judge("recovered_within_s", params, obs(steady=broken, now=125))
    assert verdict == Verdict(
        Status.FAILED,
        None,
        "steady state violated since 25.0 s after the injection; not restored within 20 s of the injection",
    )


def test_a_review_is_found_by_the_incident_correlation() -> None:
    alert = SeenAlert("A", "payments", "threshold", 104.0, "C1")
    review = SeenEvent("R", "evolution.review_generated", 190.0, "C1", {"review_id": "REV-7"})
    verdict = judge("review_generated", {"within_s": None}, obs(alerts=(alert,), events=(review,), now=200.0))
    assert verdict == Verdict(Status.PASSED, 90.0, "review REV-7 for payments after 90.0 s")


def test_a_replica_replacement_needs_a_visible_dip() -> None:
    params = {"within_s": 30}
    replaced = obs(replicas_before=2, replicas=(ReplicaSample(103, 1, 2), ReplicaSample(106, 2, 2)))
    verdict = judge("replica_replaced", params, replaced)
    assert (verdict.status, verdict.measured) == (Status.PASSED, 6.0)
    unseen = obs(replicas_before=2, replicas=(ReplicaSample(103, 2, 2),), replicas_killed=("r1",), now=131.0)
    assert judge("replica_replaced", params, unseen) == Verdict(
        Status.FAILED,
        None,
        "could not observe a replacement: 1 replica(s) reported killed, and the running count never dropped below 2",
    )
    unknown = judge("replica_replaced", params, obs())
    assert (unknown.status, unknown.detail) == (Status.FAILED, "the replica count before the fault is unknown")


class NoRecurrence(ExpectationKind):
    """A kind defined outside the module: adding one is a new entry, not an edit."""

    name = "no_recurrence"
    params = OptionalWithin

    def describe(self, p: Mapping[str, Any]) -> str:
        return "no recurrence is detected"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        found = obs.events_of("evolution.recurrence_detected")
        return Verdict(Status.FAILED if found else Status.PASSED, float(len(found)), f"{len(found)} recurrences")


def test_a_new_kind_is_one_registry_entry() -> None:
    kinds = registry(*EXPECTATION_KINDS.values(), NoRecurrence())
    doc = {
        "name": "x",
        "description": "d",
        "target": "payments",
        "fault": {"type": "error", "rate": 0.5, "duration_s": 60},
        "traffic": {"rate_per_s": 5, "warmup_s": 10, "duration_s": 200},
        "steady_state": [{"metric": "error_rate", "max": 0.05}],
        "hypothesis": [{"no_recurrence": True}, {"detected_within_s": 5}],
    }
    experiment = parse_experiment(doc, kinds=kinds)
    assert [e.kind for e in experiment.hypothesis] == ["no_recurrence", "detected_within_s"]
    assert kinds["no_recurrence"].evaluate({}, obs()) == Verdict(Status.PASSED, 0.0, "0 recurrences")


def test_a_replacement_is_judged_by_identity_when_the_replicas_are_named() -> None:
    params = {"within_s": 10.0}
    stale, renewed = ReplicaSample(102, 2, 2, ("r1", "r2")), ReplicaSample(105, 2, 2, ("r2", "r3"))
    found = judge(
        "replica_replaced", params, obs(replicas_before=2, replicas=(stale, renewed), replicas_killed=("r1",))
    )
    assert found == Verdict(
        Status.PASSED,
        5.0,
        "payments back to 2 running replicas, none of the 1 killed after 5.0 s; expected within 10 s",
    )
    short = ReplicaSample(104, 1, 2, ("r2",))  # the killed one is gone but not yet replaced
    pending = obs(replicas_before=2, replicas=(stale, short), replicas_killed=("r1",), now=106.0)
    assert judge("replica_replaced", params, pending).status is Status.PENDING
