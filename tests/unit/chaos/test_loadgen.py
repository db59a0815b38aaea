from __future__ import annotations

import math

import pytest

from aref.errors import InvalidInputError
from chaos.loadgen import ClientRecord, Outcome, Profile, TrafficPlan, percentile, schedule


def test_steady_sends_at_a_constant_rate_from_zero() -> None:
    assert schedule(TrafficPlan(Profile.STEADY, rate_per_s=2, duration_s=3)) == (0.0, 0.5, 1.0, 1.5, 2.0, 2.5)


def test_ramp_rises_linearly_then_holds() -> None:
    # 0 -> 4/s over 2 s: N(t) = t^2, so request n goes at sqrt(n); then 4/s flat from t = 2
    times = schedule(TrafficPlan(Profile.RAMP, rate_per_s=4, duration_s=3, ramp_s=2))
    expected = (0.0, 1.0, math.sqrt(2), math.sqrt(3), 2.0, 2.25, 2.5, 2.75)
    assert times == pytest.approx(expected)


def test_ramp_defaults_to_the_whole_duration() -> None:
    times = schedule(TrafficPlan(Profile.RAMP, rate_per_s=2, duration_s=4))  # N(t) = t^2 / 4
    assert times == pytest.approx((0.0, 2.0, math.sqrt(8), math.sqrt(12)))


def test_spike_bursts_then_returns_to_the_base_rate() -> None:
    plan = TrafficPlan(Profile.SPIKE, rate_per_s=1, duration_s=6, spike_rate_per_s=4, spike_at_s=2, spike_s=1)
    assert schedule(plan) == pytest.approx((0.0, 1.0, 2.0, 2.25, 2.5, 2.75, 3.0, 4.0, 5.0))


def test_spike_defaults_are_five_times_the_rate_a_third_in_for_a_sixth() -> None:
    plan = TrafficPlan(Profile.SPIKE, rate_per_s=1, duration_s=6)
    times = schedule(plan)
    in_burst = [t for t in times if 2.0 <= t < 3.0]
    assert len(in_burst) == 5
    assert len(times) == 10


def test_a_fractional_count_carries_over_between_segments() -> None:
    plan = TrafficPlan(Profile.SPIKE, rate_per_s=1.5, duration_s=3, spike_rate_per_s=3, spike_at_s=1, spike_s=1)
    # N(1) = 1.5: sends at 0, 2/3; the burst continues the count: n = 2 at 1 + 0.5/3, ...; N(2) = 4.5,
    # so n = 5 goes at 2 + 0.5/1.5 and n = 6 would go at 3.0, the end (excluded)
    assert schedule(plan) == pytest.approx((0.0, 2 / 3, 1 + 0.5 / 3, 1.5, 1 + 2.5 / 3, 2 + 0.5 / 1.5))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rate_per_s": 0}, "rate_per_s"),
        ({"rate_per_s": 500}, "rate_per_s"),
        ({"duration_s": 0}, "duration_s"),
        ({"duration_s": 10, "warmup_s": 10}, "warmup_s"),
        ({"duration_s": 10, "ramp_s": 11}, "ramp_s"),
        ({"spike_rate_per_s": -1}, "spike_rate_per_s"),
        ({"duration_s": 10, "spike_at_s": 10}, "spike_at_s"),
        ({"spike_s": 0}, "spike_s"),
    ],
)
def test_a_plan_refuses_bad_values_naming_the_field(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        TrafficPlan(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_scaling_shortens_durations_only() -> None:
    plan = TrafficPlan(Profile.SPIKE, 3, 100, warmup_s=10, spike_at_s=30, spike_s=20, spike_rate_per_s=9)
    scaled = plan.scaled(0.1)
    assert (scaled.duration_s, scaled.warmup_s, scaled.spike_at_s, scaled.spike_s) == (10.0, 1.0, 3.0, 2.0)
    assert (scaled.rate_per_s, scaled.spike_rate_per_s, scaled.ramp_s) == (3, 9, None)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_client_stats_count_every_non_2xx_3xx_answer_as_an_error() -> None:
    record = ClientRecord(
        (
            Outcome(1.0, 201, 10.0),
            Outcome(2.0, 302, 20.0),
            Outcome(3.0, 503, 30.0),
            Outcome(4.0, 429, 40.0),
            Outcome(5.0, 0, 5000.0, "ConnectTimeout"),
        ),
        skipped=2,
    )
    stats = record.stats()
    assert (stats.requests, stats.errors, stats.error_rate, stats.skipped) == (5, 3, 0.6, 2)
    assert (stats.latency_p50_ms, stats.latency_p99_ms) == (30.0, 5000.0)
    assert stats.by_status == {"0": 1, "201": 1, "302": 1, "429": 1, "503": 1}


def test_a_window_keeps_requests_sent_inside_it() -> None:
    record = ClientRecord(tuple(Outcome(float(t), 201, 1.0) for t in range(10)), skipped=4)
    window = record.window(3.0, 6.0)
    assert [o.at for o in window.outcomes] == [3.0, 4.0, 5.0]
    assert window.skipped == 0


def test_no_requests_means_no_rate_rather_than_zero() -> None:
    stats = ClientRecord().stats()
    assert (stats.requests, stats.error_rate, stats.latency_p99_ms) == (0, None, None)


def test_extending_a_record_appends_and_updates_skips() -> None:
    first = ClientRecord((Outcome(1.0, 201, 1.0),), skipped=1)
    more = first.extended([Outcome(2.0, 500, 1.0)], skipped=3)
    assert ([o.at for o in more.outcomes], more.skipped) == ([1.0, 2.0], 3)
    assert first.extended([]).skipped == 1
