from __future__ import annotations

from typing import Any

from chaos.runner_observation import (
    Observation,
    ReplicaSample,
    SeenAlert,
    SeenEvent,
    SteadySample,
    alerts_per_detector,
    detector_truths,
)

INJ = 100.0


def obs(**kwargs: Any) -> Observation:
    base: dict[str, Any] = {"target": "payments", "started_at": 90.0, "injected_at": INJ, "fault_end": 160.0}
    return Observation(**{**base, "now": 200.0, **kwargs})


def a(id_: str, detector: str, at: float, service: str = "payments", cid: str = "C1") -> SeenAlert:
    return SeenAlert(id_, service, detector, at, cid)


def e(id_: str, topic: str, at: float, cid: str | None = None, **payload: Any) -> SeenEvent:
    return SeenEvent(id_, topic, at, cid, payload)


def test_the_fault_ends_at_its_rollback_or_its_expiry() -> None:
    assert obs(now=150.0).fault_ended_at is None
    assert obs(now=150.0, rolled_back_at=130.0).fault_ended_at == 130.0
    assert obs(now=170.0).fault_ended_at == 160.0  # expired on its own
    assert obs(now=170.0, rolled_back_at=165.0).fault_ended_at == 160.0  # rolled back after it expired
    assert obs(now=150.0, grace_s=10).window_end == 160.0  # still active: up to now
    assert obs(rolled_back_at=130.0, grace_s=10).window_end == 140.0


def test_detector_truth_splits_alerts_on_the_target_by_the_fault_window() -> None:
    alerts = (
        a("1", "threshold", 95.0),  # before the injection: false positive
        a("2", "threshold", 104.0),  # first hit, delay 4
        a("3", "threshold", 139.0),  # inside the grace after the rollback at 130
        a("4", "threshold", 141.0),  # after the window: false positive
        a("5", "zscore", 110.5),
        a("6", "slo_burn", 101.0, service="gateway"),  # not the target
        a("7", "zscore", 80.0),  # before the run: not counted at all
    )
    o = obs(alerts=alerts, rolled_back_at=130.0, grace_s=10.0)
    truths = {t.detector: t for t in detector_truths(o, ["threshold", "zscore", "slo_burn", "synthetic"])}
    threshold = truths["threshold"]
    assert (threshold.true_positives, threshold.false_positives, threshold.detection_delay_s) == (2, 2, 4.0)
    assert (truths["zscore"].true_positives, truths["zscore"].false_positives) == (1, 0)
    assert truths["zscore"].detection_delay_s == 10.5
    assert (truths["slo_burn"].missed, truths["synthetic"].missed, threshold.missed) == (True, True, False)
    assert alerts_per_detector(o) == {"slo_burn": 1, "threshold": 4, "zscore": 1}


def test_a_detector_nobody_listed_still_gets_its_truth() -> None:
    o = obs(alerts=(a("1", "custom", 103.0),))
    assert [(t.detector, t.detection_delay_s) for t in detector_truths(o, [])] == [("custom", 3.0)]


def test_the_first_detection_ignores_alerts_from_before_the_injection() -> None:
    o = obs(alerts=(a("1", "threshold", 99.0), a("2", "zscore", 112.0), a("3", "slo_burn", 105.0, service="orders")))
    first = o.first_detection()
    assert first is not None
    assert (first.detector, first.fired_at) == ("zscore", 112.0)


def test_mitigation_is_the_first_absorption_or_adaptation_event_about_the_target_or_its_incident() -> None:
    events = (
        e("1", "adaptation.strategy_executed", 98.0, service="payments"),  # before the injection
        e("2", "absorption.degradation_changed", 103.0, service="orders"),  # another service
        e("3", "recovery.recovery_started", 104.0, "C1"),  # not a mitigation
        e("4", "adaptation.flag_changed", 106.0, "C1", service="gateway"),  # the incident's correlation
        e("5", "absorption.circuit_breaker_opened", 107.0, breaker="gateway->payments", dependency="payments"),
    )
    o = obs(events=events, alerts=(a("A", "threshold", 102.0, cid="C1"),))
    found = o.first_mitigation()
    assert found is not None
    assert found.id == "4"
    assert obs(events=events).first_mitigation().id == "5"  # type: ignore[union-attr]


def test_a_breaker_opening_comes_from_its_event_else_from_its_snapshot() -> None:
    opened = e("1", "absorption.circuit_breaker_opened", 112.0, breaker="gateway->payments")
    assert obs(events=(opened,)).breaker_opened_at("gateway->payments") == 112.0
    snapshot = {"gateway->payments": {"state": "open", "opened_at": 108.0}}
    assert obs(breakers=snapshot).breaker_opened_at("gateway->payments") == 108.0
    stale = {"gateway->payments": {"state": "open", "opened_at": 50.0}}
    assert obs(breakers=stale).breaker_opened_at("gateway->payments") is None


def test_a_review_belongs_to_the_incident_by_correlation_or_service() -> None:
    alerts = (a("A", "threshold", 102.0, cid="C1"),)
    other = e("1", "evolution.review_generated", 150.0, "C9", service="orders")
    mine = e("2", "evolution.review_generated", 170.0, "C1")
    assert obs(alerts=alerts, events=(other, mine)).review() == mine
    by_service = e("3", "evolution.review_generated", 120.0, "C7", service="payments")
    assert obs(events=(by_service,)).review() == by_service


def samples(*points: tuple[float, bool]) -> tuple[SteadySample, ...]:
    return tuple(SteadySample(at, ok) for at, ok in points)


def test_recovery_is_after_the_last_violation_and_final_once_the_fault_ended() -> None:
    flapping = samples((101, True), (105, False), (110, True), (120, False), (125, True), (165, True))
    assert obs(steady=flapping).recovery() == (125.0, "steady state restored 25.0 s after the injection")
    active = obs(steady=flapping[:5], now=126.0)
    assert active.recovery() == (None, "steady state back at +25.0 s; the fault is still active")
    broken = obs(steady=samples((105, False), (170, False)))
    assert broken.recovery() == (None, "steady state violated since 70.0 s after the injection")
    assert obs(steady=()).recovery() == (None, "no steady-state sample after the injection")


def test_a_steady_state_never_lost_recovers_at_the_injection() -> None:
    fine = samples((95, False), (101, True), (161, True))  # the violation before the injection is not ours
    assert obs(steady=fine).recovery() == (INJ, "steady state never lost")
    assert obs(steady=fine[:2], now=150.0).recovery() == (None, "steady state held so far; the fault is still active")


def test_a_replica_dip_and_its_return_are_found_in_order() -> None:
    counts = (ReplicaSample(99, 2, 2), ReplicaSample(102, 2, 2), ReplicaSample(104, 1, 2), ReplicaSample(109, 2, 2))
    o = obs(replicas=counts, replicas_before=2)
    dip = o.replica_dip()
    assert dip is not None
    assert dip.at == 104
    back = o.replica_back(dip)
    assert back is not None
    assert back.at == 109
    assert obs(replicas=counts).replica_dip() is None  # nothing to compare with
