from __future__ import annotations

import pytest

from aref.absorption.rate_limiter import RateLimiterSnapshot, TokenBucket
from aref.errors import InvalidInputError, RejectedError
from aref.testing import FakeClock

T0 = 1_700_000_000.0


def passes(bucket: TokenBucket, attempts: int) -> int:
    return sum(bucket.try_acquire() for _ in range(attempts))


def test_passes_exactly_burst_at_once_then_exactly_rate_per_second() -> None:
    clock = FakeClock(T0)
    bucket = TokenBucket(rate=10.0, burst=20, clock=clock)
    assert passes(bucket, 50) == 20
    clock.advance(1.0)
    assert passes(bucket, 50) == 10
    clock.advance(0.5)
    assert passes(bucket, 50) == 5
    for _ in range(10):
        clock.advance(0.1)
        assert passes(bucket, 5) == 1


def test_fractional_rate_accumulates_across_ticks() -> None:
    clock = FakeClock(T0)
    bucket = TokenBucket(rate=2.5, burst=5, clock=clock)
    assert passes(bucket, 10) == 5
    clock.advance(1.0)
    assert passes(bucket, 10) == 2
    clock.advance(1.0)
    assert passes(bucket, 10) == 3  # 0.5 left over + 2.5


def test_refill_is_capped_at_burst() -> None:
    clock = FakeClock(T0)
    bucket = TokenBucket(rate=100.0, burst=20, clock=clock)
    passes(bucket, 20)
    clock.advance(3600.0)
    assert bucket.tokens == 20.0
    assert passes(bucket, 100) == 20


def test_acquire_raises_with_the_wait_and_counts_rejections() -> None:
    clock = FakeClock(T0)
    bucket = TokenBucket(rate=4.0, burst=2, clock=clock, name="gateway")
    bucket.acquire()
    bucket.acquire()
    assert bucket.retry_after() == pytest.approx(0.25)
    with pytest.raises(RejectedError, match=r"retry in 0\.250s") as info:
        bucket.acquire()
    assert (info.value.guard, info.value.name) == ("rate_limiter", "gateway")
    assert bucket.snapshot() == RateLimiterSnapshot("gateway", 4.0, 2, 0.0, 2, 1)


def test_multi_token_acquire_takes_all_or_nothing() -> None:
    clock = FakeClock(T0)
    bucket = TokenBucket(rate=1.0, burst=5, clock=clock)
    assert bucket.try_acquire(3) is True
    assert bucket.try_acquire(3) is False
    assert bucket.tokens == 2.0
    with pytest.raises(InvalidInputError) as info:
        bucket.try_acquire(6)
    assert info.value.field == "n"


def test_a_clock_stepping_back_refills_nothing() -> None:
    class BackwardsClock:
        def __init__(self) -> None:
            self.at = T0

        def now(self) -> float:
            return self.at

    clock = BackwardsClock()
    bucket = TokenBucket(rate=10.0, burst=10, clock=clock)
    passes(bucket, 10)
    clock.at = T0 - 100.0
    assert bucket.tokens == 0.0
    clock.at = T0 - 99.0
    assert passes(bucket, 20) == 10


@pytest.mark.parametrize(("rate", "burst", "field"), [(0.0, 1, "rate"), (-1.0, 1, "rate"), (1.0, 0, "burst")])
def test_invalid_parameters_name_the_field(rate: float, burst: int, field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        TokenBucket(rate, burst, FakeClock(T0))
    assert info.value.field == field
