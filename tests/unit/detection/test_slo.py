from __future__ import annotations

from typing import Any

import pytest

from aref.config import DetectionSettings
from aref.detection.slo import (
    DEFAULT_BURN_POLICIES,
    SLO,
    BurnRatePolicy,
    SloDetector,
    SloTracker,
)
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass, HealthSample
from aref.telemetry import LATENCY_BOUNDS_MS, TelemetryAccumulator, merge_service

SCALE = 0.0625  # 1h -> 225 s, 5m -> 18.75 s: exact binary fractions
T0 = 1_000_000.0


def availability_slo(target: float = 0.999) -> SLO:
    return SLO("payments.availability", "payments", target, window_seconds=3600.0)


def one_policy(factor: float = 2.0) -> BurnRatePolicy:
    return BurnRatePolicy("p", factor, long_window=100.0, short_window=10.0, severity=Severity.WARNING)


def feed(detector: SloDetector, seconds: int, requests: int, errors: int, start: float) -> list[Any]:
    signals = []
    for i in range(seconds):
        signals = detector.observe(HealthSample("payments", start + i, requests, errors))
    return signals


def scaled_detector() -> SloDetector:
    return SloDetector.from_settings(DetectionSettings(burn_rate_window_scale=SCALE), ["payments"])


def test_default_policies_are_the_sre_workbook_ones() -> None:
    assert [(p.name, p.factor, p.long_window, p.short_window, p.severity) for p in DEFAULT_BURN_POLICIES] == [
        ("page_fast", 14.4, 3600.0, 300.0, Severity.CRITICAL),
        ("page_slow", 6.0, 21600.0, 1800.0, Severity.CRITICAL),
        ("ticket", 1.0, 259200.0, 21600.0, Severity.WARNING),
    ]
    fast = DEFAULT_BURN_POLICIES[0].scaled(SCALE)
    assert (fast.long_window, fast.short_window, fast.factor) == (225.0, 18.75, 14.4)


def test_burn_rate_is_error_rate_over_the_allowance() -> None:
    tracker = SloTracker(availability_slo(), [one_policy()])
    for t in range(10):
        tracker.record(T0 + t, good=980, total=1000)
    assert tracker.burn_rate(10.0, now=T0 + 9.5) == pytest.approx(20.0)
    assert tracker.burn_rate(10.0, now=T0 + 100.0) == 0.0  # nothing in the window


def test_budget_uses_the_scoring_formula() -> None:
    tracker = SloTracker(availability_slo(), [one_policy()])
    tracker.record(T0, good=9995, total=10000)
    budget = tracker.budget(now=T0 + 1)
    assert (budget.total, budget.bad) == (10000, 5)
    assert (budget.consumed, budget.remaining) == pytest.approx((0.5, 0.5))
    assert tracker.budget(now=T0 + 7200).total == 0  # left the 1h SLO window


def test_a_sustained_14_4x_burn_pages() -> None:
    detector = scaled_detector()
    [signal] = feed(detector, 230, requests=10000, errors=144, start=T0)
    assert signal.firing
    assert (signal.severity, signal.threshold, signal.details["policy"]) == (Severity.CRITICAL, 14.4, "page_fast")
    assert signal.value == pytest.approx(14.4)
    assert (signal.detection_class, signal.fingerprint, signal.onset_at) == (
        DetectionClass.SLO_BURN,
        "slo_burn:payments:availability",
        pytest.approx(T0 + 229 - 18.75, abs=1.875),
    )


def test_a_half_x_burn_does_not_alert() -> None:
    detector = scaled_detector()
    [signal] = feed(detector, 400, requests=10000, errors=5, start=T0)
    assert not signal.firing
    status, _latency = detector.status()["slos"]  # the latency SLO saw no latency histogram
    assert [b["firing"] for b in status["burn_rates"]] == [False, False, False]
    assert [b["long_burn"] for b in status["burn_rates"]] == pytest.approx([0.5, 0.5, 0.5])


def test_a_burn_high_only_in_the_short_window_does_not_page() -> None:
    detector = scaled_detector()
    feed(detector, 600, requests=10000, errors=0, start=T0)
    [signal] = feed(detector, 4, requests=10000, errors=1000, start=T0 + 600)
    assert not signal.firing
    status, _latency = detector.status()["slos"]  # the latency SLO saw no latency histogram
    fast = status["burn_rates"][0]
    assert fast["policy"] == "page_fast"
    assert fast["short_burn"] > 14.4 > fast["long_burn"]
    assert not any(b["firing"] for b in status["burn_rates"])


def test_a_slow_burn_files_a_ticket() -> None:
    detector = scaled_detector()
    [signal] = feed(detector, 1400, requests=10000, errors=20, start=T0)  # 2x: ticket, not page
    assert (signal.firing, signal.severity, signal.details["policy"]) == (True, Severity.WARNING, "ticket")


def test_the_alert_clears_soon_after_the_burn_stops() -> None:
    detector = scaled_detector()
    feed(detector, 230, requests=10000, errors=500, start=T0)
    assert detector.evaluate(T0 + 231)[0].firing
    ticket = DEFAULT_BURN_POLICIES[2].scaled(SCALE)
    # the longest short window, plus the one bucket a window may read past its old end
    slid_past = T0 + 229 + ticket.short_window + ticket.short_window / 10
    assert detector.evaluate(T0 + 229 + ticket.short_window - 1)[0].firing
    [after] = detector.evaluate(slid_past + 1)
    assert not after.firing


def test_too_few_events_cannot_fire() -> None:
    tracker = SloTracker(availability_slo(), [one_policy()], min_events=10)
    tracker.record(T0, good=0, total=1)
    [verdict] = tracker.evaluate(T0 + 0.5)
    assert verdict.long_burn == pytest.approx(1000.0)
    assert not verdict.firing


def test_onset_is_the_first_bad_event_of_the_short_window() -> None:
    tracker = SloTracker(availability_slo(), [one_policy()])
    for t in range(10):
        tracker.record(T0 + t, good=1000 if t < 6 else 900, total=1000)
    assert tracker.onset(tracker.policies[0], now=T0 + 9.5) == T0 + 6


def test_detector_says_nothing_before_its_first_sample() -> None:
    detector = scaled_detector()
    assert detector.evaluate(T0) == []
    assert detector.observe("not a sample") == []


def test_status_reports_budget_and_burn_rates() -> None:
    detector = scaled_detector()
    feed(detector, 10, requests=1000, errors=2, start=T0)
    status, _latency = detector.status()["slos"]  # the latency SLO saw no latency histogram
    assert {k: status[k] for k in ("name", "target", "events", "bad_events", "window_seconds")} == {
        "name": "payments.availability",
        "target": 0.999,
        "events": 10000,
        "bad_events": 20,
        "window_seconds": 30 * 86400 * SCALE,
    }
    assert status["budget_consumed"] == pytest.approx(2.0)
    assert status["budget_remaining"] == 0.0
    assert [b["policy"] for b in status["burn_rates"]] == ["page_fast", "page_slow", "ticket"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"target": 1.0}, "target"),
        ({"target": 0.0}, "target"),
        ({"window_seconds": 0.0}, "window_seconds"),
        ({"name": ""}, "name"),
        ({"latency_target_ms": 0.0}, "latency_target_ms"),
    ],
)
def test_invalid_slo_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = {"name": "x", "service": "s", "target": 0.99, "window_seconds": 60.0}
    with pytest.raises(InvalidInputError) as err:
        SLO(**{**fields, **kwargs})
    assert err.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"factor": 0.0}, "factor"), ({"short_window": 0.0}, "short_window"), ({"long_window": 5.0}, "long_window")],
)
def test_invalid_policy_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = {
        "name": "p",
        "factor": 1.0,
        "long_window": 60.0,
        "short_window": 10.0,
        "severity": Severity.WARNING,
    }
    with pytest.raises(InvalidInputError) as err:
        BurnRatePolicy(**{**fields, **kwargs})
    assert err.value.field == field


def test_a_tracker_needs_policies_and_a_positive_scale() -> None:
    with pytest.raises(InvalidInputError) as err:
        SloTracker(availability_slo(), [])
    assert err.value.field == "policies"
    with pytest.raises(InvalidInputError) as scale:
        one_policy().scaled(0.0)
    assert scale.value.field == "scale"


def test_two_slos_on_one_sli_of_a_service_are_rejected() -> None:
    with pytest.raises(InvalidInputError) as err:
        SloDetector([SloTracker(availability_slo()), SloTracker(availability_slo(0.99))])
    assert err.value.field == "trackers"


# -- the latency SLO ---------------------------------------------------------------------------


def latency_counts(**by_bound: int) -> tuple[int, ...]:
    """A latency histogram: ``ms100=90`` puts 90 requests in the bucket whose upper bound is 100 ms."""
    counts = [0] * len(LATENCY_BOUNDS_MS)
    for key, count in by_bound.items():
        counts[LATENCY_BOUNDS_MS.index(float(key.removeprefix("ms")))] = count
    return tuple(counts)


def latency_slo(target_ms: float = 500.0) -> SLO:
    return SLO("payments.latency", "payments", 0.99, 3600.0, sli="latency", latency_target_ms=target_ms)


def test_good_latency_events_are_requests_answered_within_the_target() -> None:
    sample = HealthSample("payments", T0, 100, 7, latency_counts=latency_counts(ms100=85, ms500=5, ms1000=10))
    assert latency_slo(500.0).events(sample) == (90, 100)
    assert availability_slo().events(sample) == (93, 100)  # availability reads errors, not latency
    # between two bounds only buckets wholly within the target count: (250, 500] may hold a 400 ms request
    assert latency_slo(300.0).events(sample) == (85, 100)
    assert latency_slo().events(HealthSample("payments", T0, 100, 0)) is None  # no histogram: no evidence


def test_each_service_gets_a_latency_slo_from_the_settings() -> None:
    settings = DetectionSettings(slo_latency_target_ms=250.0, slo_latency_objective=0.95)
    detector = SloDetector.from_settings(settings, ["payments", "orders"])
    slos = {(s["name"], s["sli"], s["target"], s["latency_target_ms"]) for s in detector.status()["slos"]}
    assert slos == {
        ("payments.availability", "availability", 0.999, None),
        ("payments.latency", "latency", 0.95, 250.0),
        ("orders.availability", "availability", 0.999, None),
        ("orders.latency", "latency", 0.95, 250.0),
    }


def test_sustained_slow_requests_page_like_the_availability_slo() -> None:
    detector = scaled_detector()
    counts = latency_counts(ms50=8560, ms1000=1440)  # 14.4% slow against a 1% allowance: 14.4x
    signals = []
    for i in range(230):
        signals = detector.observe(HealthSample("payments", T0 + i, 10000, 0, latency_counts=counts))
    availability, latency = signals
    assert not availability.firing
    assert latency.firing
    assert (latency.fingerprint, latency.severity, latency.details["policy"]) == (
        "slo_burn:payments:latency",
        Severity.CRITICAL,
        "page_fast",
    )
    assert latency.value == pytest.approx(14.4)
    assert latency.details["budget_consumed"] == pytest.approx(14.4)  # the whole scaled 30-day budget, 14.4x over
    assert latency.onset_at == pytest.approx(T0 + 229 - 18.75, abs=1.875)


def test_a_latency_burn_clears_once_requests_are_fast_again() -> None:
    detector = scaled_detector()
    slow, fast = latency_counts(ms1000=10000), latency_counts(ms50=10000)
    for i in range(230):
        detector.observe(HealthSample("payments", T0 + i, 10000, 0, latency_counts=slow))
    ticket = DEFAULT_BURN_POLICIES[2].scaled(SCALE)
    end = T0 + 230 + ticket.short_window + ticket.short_window / 10 + 1
    t = T0 + 230
    signals = []
    while t < end:
        signals = detector.observe(HealthSample("payments", t, 10000, 0, latency_counts=fast))
        t += 10.0
    assert [s.firing for s in signals] == [False, False]


def test_merged_replica_telemetry_feeds_the_latency_slo() -> None:
    acc = TelemetryAccumulator("payments", "r1", T0)
    for ms in (20, 30, 480, 900):
        acc.record(ms, ok=True)
    sample = merge_service([acc.flush(T0 + 1)], "payments", T0 + 1)
    assert latency_slo(500.0).events(sample) == (3, 4)


def test_a_firing_availability_burn_carries_its_budget() -> None:
    detector = scaled_detector()
    [signal] = feed(detector, 230, requests=10000, errors=144, start=T0)
    assert signal.firing
    assert signal.details["budget_consumed"] == pytest.approx(14.4)


def test_slo_count_and_burn_rate_policies_follow_the_tracked_slos() -> None:
    empty = SloDetector([])
    assert (empty.slo_count, empty.has_burn_rate_policies) == (0, False)
    assert empty.status()["slos"] == []
    one = SloDetector([SloTracker(availability_slo(), [one_policy()])])
    assert (one.slo_count, one.has_burn_rate_policies) == (1, True)
    assert [len(s["burn_rates"]) for s in one.status()["slos"]] == [1]
    both = SloDetector.from_settings(DetectionSettings(), ["payments", "orders"])
    assert (both.slo_count, both.has_burn_rate_policies) == (4, True)  # availability and latency each
    assert SloDetector.from_settings(DetectionSettings(), []).slo_count == 0
