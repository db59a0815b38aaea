from __future__ import annotations

import math

import pytest

from aref.errors import InvalidInputError
from aref.telemetry import LATENCY_BOUNDS_MS, LatencyHistogram, TelemetryAccumulator, merge_service


def test_accumulator_counts_and_flushes_a_tick() -> None:
    acc = TelemetryAccumulator("payments", "r1", started_at=10.0)
    for ms, ok in [(3, True), (40, True), (40, False), (700, True)]:
        acc.record(ms, ok)
    report = acc.flush(11.0)
    assert (report.requests, report.errors, report.started_at, report.ended_at) == (4, 1, 10.0, 11.0)
    assert report.latency.total == 4
    empty = acc.flush(12.0)
    assert (empty.requests, empty.errors, empty.started_at) == (0, 0, 11.0)


def test_quantiles_are_bucket_upper_bounds() -> None:
    acc = TelemetryAccumulator("orders", "r1", 0.0)
    for _ in range(98):
        acc.record(20, True)
    acc.record(400, True)
    acc.record(9000, True)
    hist = acc.flush(1.0).latency
    assert hist.quantile(0.5) == 25
    assert hist.quantile(0.99) == 500
    assert hist.quantile(1.0) == 10000
    assert LatencyHistogram().quantile(0.99) == 0.0


def test_latency_beyond_the_last_bound_reports_the_largest_finite_bound() -> None:
    acc = TelemetryAccumulator("orders", "r1", 0.0)
    acc.record(60_000, True)
    assert acc.flush(1.0).latency.quantile(0.5) == LATENCY_BOUNDS_MS[-2]


def test_merge_sums_replicas_of_one_service_only() -> None:
    reports = []
    for replica, (n, bad) in {"a": (10, 1), "b": (30, 9)}.items():
        acc = TelemetryAccumulator("payments", replica, 0.0)
        for i in range(n):
            acc.record(1000 if i < bad else 10, i >= bad)
        reports.append(acc.flush(1.0))
    other = TelemetryAccumulator("orders", "c", 0.0)
    other.record(5, False)
    reports.append(other.flush(1.0))
    sample = merge_service(reports, "payments", at=1.0)
    assert (sample.requests, sample.errors, sample.replicas) == (40, 10, 2)
    assert sample.error_rate == pytest.approx(0.25)
    assert sample.latency_p99_ms == 1000
    assert sample.latency_p50_ms == 10


def test_bad_histogram_and_quantile_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        LatencyHistogram((1, 2))
    with pytest.raises(InvalidInputError):
        LatencyHistogram().quantile(1.5)


def test_within_counts_the_buckets_wholly_inside_a_limit() -> None:
    acc = TelemetryAccumulator("orders", "r1", 0.0)
    for ms in (3, 20, 250, 400, 500, 501, 9000):
        acc.record(ms, True)
    hist = acc.flush(1.0).latency
    assert hist.within(500) == 5  # 500 ms itself is within: a bucket holds (previous bound, bound]
    assert hist.within(300) == 3  # the (250, 500] bucket may hold slower requests than 300 ms
    assert hist.within(1) == 0
    assert hist.within(math.inf) == hist.total == 7


def test_merge_carries_the_merged_histogram() -> None:
    reports = []
    for replica, ms in (("a", 20), ("b", 700)):
        acc = TelemetryAccumulator("payments", replica, 0.0)
        acc.record(ms, True)
        reports.append(acc.flush(1.0))
    sample = merge_service(reports, "payments", at=1.0)
    assert sample.latency_counts == reports[0].latency.merge(reports[1].latency).counts
    assert sum(sample.latency_counts) == sample.requests == 2
