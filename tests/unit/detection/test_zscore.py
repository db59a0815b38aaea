from __future__ import annotations

import random
import statistics
from typing import Any

import pytest

from aref.config import DetectionSettings
from aref.detection.zscore import RunningStats, Tail, ZScoreDetector, zscore_monitor
from aref.errors import InvalidInputError


def test_running_stats_match_the_last_window_values() -> None:
    rng = random.Random(7)
    values = [rng.uniform(0, 100) for _ in range(500)]
    stats = RunningStats(window=50)
    for v in values:
        stats.push(v)
    assert stats.count == 50
    assert stats.mean == pytest.approx(statistics.fmean(values[-50:]), rel=1e-9)
    assert stats.std == pytest.approx(statistics.stdev(values[-50:]), rel=1e-9)


def test_running_stats_of_fewer_than_two_values_have_no_spread() -> None:
    stats = RunningStats(window=3)
    stats.push(4.0)
    assert (stats.count, stats.mean, stats.std) == (1, 4.0, 0.0)


def test_running_stats_need_a_window_of_two() -> None:
    with pytest.raises(InvalidInputError) as err:
        RunningStats(1)
    assert err.value.field == "window"


def test_no_judgment_before_min_samples() -> None:
    detector = ZScoreDetector(min_samples=5)
    verdicts = [detector.observe([1000.0 if i == 4 else 1.0], float(i)) for i in range(5)]
    assert [v.ready for v in verdicts] == [False] * 5
    assert not any(v.is_anomaly for v in verdicts)
    assert detector.observe([1.0], 5.0).ready


def test_score_is_the_z_score_against_the_baseline_before_the_value() -> None:
    detector = ZScoreDetector(threshold=3.0, min_samples=4, window=10)
    for i, v in enumerate([10.0, 12.0, 10.0, 12.0]):
        detector.observe([v], float(i))
    std = statistics.stdev([10.0, 12.0, 10.0, 12.0])
    verdict = detector.observe([20.0], 4.0)
    assert verdict.score == pytest.approx((20.0 - 11.0) / std)
    assert verdict.baseline == pytest.approx(11.0)
    assert verdict.bound == pytest.approx(11.0 + 3.0 * std)
    assert (verdict.is_anomaly, verdict.ready, verdict.threshold, verdict.detector) == (True, True, 3.0, "zscore")


def test_anomalies_do_not_become_the_new_normal() -> None:
    detector = ZScoreDetector(min_samples=4)
    for i, v in enumerate([10.0, 12.0, 10.0, 12.0]):
        detector.observe([v], float(i))
    before = detector.stats()
    for i in range(20):
        assert detector.observe([50.0], 10.0 + i).is_anomaly
    assert detector.stats() == before
    normal = detector.observe([11.0], 40.0)
    assert not normal.is_anomaly
    assert normal.samples == before["samples"] + 1


@pytest.mark.parametrize(
    ("tail", "low", "high"), [(Tail.UPPER, False, True), (Tail.LOWER, True, False), (Tail.BOTH, True, True)]
)
def test_tail_decides_which_deviations_count(tail: Tail, low: bool, high: bool) -> None:
    assert trained(tail).observe([0.0], 5.0).is_anomaly is low
    assert trained(tail).observe([22.0], 5.0).is_anomaly is high


def trained(tail: Tail) -> ZScoreDetector:
    detector = ZScoreDetector(min_samples=4, tail=tail)
    for i, v in enumerate([10.0, 12.0, 10.0, 12.0]):
        detector.observe([v], float(i))
    return detector


def test_lower_bound_for_drops() -> None:
    detector = trained(Tail.BOTH)
    std = statistics.stdev([10.0, 12.0, 10.0, 12.0])
    assert detector.observe([0.0], 5.0).bound == pytest.approx(11.0 - 3.0 * std)


def test_std_floor_keeps_a_flat_baseline_from_exploding() -> None:
    detector = ZScoreDetector(min_samples=4, min_std=0.01)
    for i in range(4):
        detector.observe([0.0], float(i))
    large = detector.observe([0.05], 4.0)
    small = detector.observe([0.02], 5.0)
    assert large.is_anomaly
    assert (large.score, large.bound) == pytest.approx((5.0, 0.03))
    assert not small.is_anomaly
    assert small.score == pytest.approx(2.0)


def test_relative_std_floor_scales_with_the_mean() -> None:
    detector = ZScoreDetector(min_samples=4, min_std=1.0, relative_min_std=0.1)
    for i in range(4):
        detector.observe([100.0], float(i))
    verdict = detector.observe([125.0], 4.0)
    assert verdict.score == pytest.approx(2.5)
    assert not verdict.is_anomaly


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"threshold": 0.0}, "threshold"),
        ({"min_samples": 1}, "min_samples"),
        ({"min_samples": 20, "window": 10}, "min_samples"),
        ({"min_std": 0.0}, "min_std"),
        ({"relative_min_std": -0.1}, "relative_min_std"),
    ],
)
def test_invalid_parameters_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        ZScoreDetector(**kwargs)
    assert err.value.field == field


def test_judges_exactly_one_value() -> None:
    with pytest.raises(InvalidInputError) as err:
        ZScoreDetector().observe([1.0, 2.0], 0.0)
    assert err.value.field == "features"


def test_default_monitor_has_two_streams_per_service_at_the_settings_threshold() -> None:
    monitor = zscore_monitor(DetectionSettings(zscore_threshold=2.5), ["orders", "payments"])
    streams = monitor.status()["streams"]
    assert [(s["service"], s["metric"]) for s in streams] == [
        ("orders", "error_rate"),
        ("orders", "latency_p99"),
        ("payments", "error_rate"),
        ("payments", "latency_p99"),
    ]
    assert monitor.name == "zscore"
