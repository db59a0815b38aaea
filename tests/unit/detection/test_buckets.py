from __future__ import annotations

import pytest

from aref.detection.buckets import BucketSeries
from aref.errors import InvalidInputError


def test_events_in_one_bucket_are_merged() -> None:
    series = BucketSeries(bucket_seconds=10.0, horizon_seconds=100.0)
    series.add(100.0, 9, 10)
    series.add(105.0, 5, 5)
    assert len(series) == 1
    assert series.totals(since=0.0) == (14, 15)


def test_a_window_counts_every_bucket_overlapping_it() -> None:
    series = BucketSeries(10.0, 100.0)
    for at in (100.0, 110.0, 120.0, 130.0):
        series.add(at, 1, 2)
    assert series.totals(since=115.0) == (3, 6)  # [110,120) overlaps the window, [100,110) does not
    assert series.totals(since=120.0) == (2, 4)
    assert series.totals(since=130.0) == (1, 2)


def test_memory_is_bounded_by_the_horizon() -> None:
    series = BucketSeries(1.0, 10.0)
    for at in range(1000):
        series.add(float(at), 1, 1)
    assert len(series) == 11  # the horizon plus the bucket straddling its old end
    assert series.totals(since=-1.0) == (11, 11)


def test_late_events_land_in_their_bucket_or_are_dropped() -> None:
    series = BucketSeries(10.0, 50.0)
    series.add(200.0, 1, 1)
    series.add(170.0, 0, 1)  # late but inside the horizon: inserted in order
    series.add(100.0, 0, 100)  # older than the horizon: forgotten
    assert len(series) == 2
    assert series.totals(since=165.0) == (1, 2)
    assert series.first_bad_at(since=0.0) == 170.0


def test_prune_drops_buckets_that_left_the_horizon() -> None:
    series = BucketSeries(10.0, 50.0)
    series.add(100.0, 1, 1)
    series.prune(now=155.0)
    assert len(series) == 1
    series.prune(now=160.0)
    assert len(series) == 0


def test_first_bad_event_time() -> None:
    series = BucketSeries(10.0, 100.0)
    series.add(100.0, 5, 5)
    series.add(113.0, 4, 5)
    series.add(111.0, 4, 5)
    series.add(125.0, 0, 5)
    assert series.first_bad_at(since=0.0) == 111.0
    assert series.first_bad_at(since=120.0) == 125.0
    assert series.first_bad_at(since=130.0) is None


@pytest.mark.parametrize(
    ("args", "field"),
    [((0.0, 10.0), "bucket_seconds"), ((10.0, 5.0), "horizon_seconds")],
)
def test_invalid_series(args: tuple[float, float], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        BucketSeries(*args)
    assert err.value.field == field


@pytest.mark.parametrize(("counts", "field"), [((-1, 1), "good"), ((1, -1), "total"), ((3, 2), "good")])
def test_invalid_counts(counts: tuple[int, int], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        BucketSeries(1.0, 10.0).add(0.0, *counts)
    assert err.value.field == field
