from __future__ import annotations

import pytest

from aref.absorption.breaker import BreakerConfig, BreakerState, BreakerTransition, CircuitBreaker
from aref.config import AbsorptionSettings
from aref.errors import InvalidInputError, RejectedError
from aref.testing import FakeClock

T0 = 1_700_000_000.0


def make(clock: FakeClock, **overrides: object) -> tuple[CircuitBreaker, list[BreakerTransition]]:
    config = BreakerConfig(**overrides)  # type: ignore[arg-type]
    breaker = CircuitBreaker("gateway->payments", config, clock)
    seen: list[BreakerTransition] = []
    breaker.add_listener(seen.append)
    return breaker, seen


def trip(breaker: CircuitBreaker) -> None:
    for _ in range(breaker.config.minimum_calls):
        breaker.record_failure()
    assert breaker.state is BreakerState.OPEN


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"failure_rate_threshold": 0.0}, "failure_rate_threshold"),
        ({"failure_rate_threshold": 1.01}, "failure_rate_threshold"),
        ({"minimum_calls": 0}, "minimum_calls"),
        ({"window_size": 4, "minimum_calls": 5}, "window_size"),
        ({"recovery_timeout": 0.0}, "recovery_timeout"),
        ({"half_open_max_calls": 0}, "half_open_max_calls"),
        ({"window_max_age": 0.0}, "window_max_age"),
    ],
)
def test_invalid_config_names_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        BreakerConfig(**overrides)  # type: ignore[arg-type]
    assert info.value.field == field


def test_rate_of_exactly_one_is_a_valid_threshold() -> None:
    assert BreakerConfig(failure_rate_threshold=1.0).failure_rate_threshold == 1.0


def test_config_from_settings_maps_every_field() -> None:
    settings = AbsorptionSettings(
        circuit_breaker_failure_threshold=4,
        circuit_breaker_failure_rate=0.25,
        circuit_breaker_window_size=8,
        circuit_breaker_recovery_timeout=12.0,
        circuit_breaker_half_open_max_calls=2,
        signal_max_age_seconds=15.0,
    )
    config = BreakerConfig.from_settings(settings, frozenset({"timeout"}))
    assert config == BreakerConfig(0.25, 8, 4, 12.0, 2, frozenset({"timeout"}), 15.0)


def test_outcomes_older_than_the_max_age_leave_the_window() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock, window_max_age=20.0)
    breaker.record(successes=6, failures=4)
    assert (breaker.snapshot().calls_in_window, breaker.failure_rate) == (10, 0.4)
    clock.advance(21)
    snap = breaker.snapshot()
    assert (snap.calls_in_window, snap.failures, snap.failure_rate) == (0, 0, 0.0)
    assert breaker.record(failures=2) is BreakerState.CLOSED  # two fresh failures are under minimum_calls
    assert seen == []


def test_without_a_max_age_old_outcomes_stay_until_pushed_out() -> None:
    clock = FakeClock(T0)
    breaker, _ = make(clock)
    breaker.record(successes=6, failures=4)
    clock.advance(3600)
    assert breaker.record(failures=1) is BreakerState.CLOSED
    assert (breaker.snapshot().calls_in_window, breaker.failure_rate) == (11, 5 / 11)


def test_a_half_open_breaker_no_longer_reports_its_opening_window_once_it_is_old() -> None:
    clock = FakeClock(T0)
    breaker, _ = make(clock, window_max_age=20.0, recovery_timeout=6.0)
    trip(breaker)
    assert breaker.snapshot().failure_rate == 1.0
    clock.advance(30)
    assert breaker.allow()
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.record_success()  # a probe went through: new evidence, not a revival of the old window
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate, snap.calls_in_window, snap.last_outcome_at) == (
        BreakerState.HALF_OPEN,
        0.0,
        0,
        T0 + 30,
    )


def test_four_failures_keep_it_closed_and_the_fifth_opens_it() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    for _ in range(4):
        assert breaker.record_failure() is BreakerState.CLOSED
    assert breaker.allow() is True
    assert breaker.record_failure() is BreakerState.OPEN
    assert [(t.from_state, t.to_state, t.at, t.failure_rate) for t in seen] == [
        (BreakerState.CLOSED, BreakerState.OPEN, T0, 1.0)
    ]
    snap = breaker.snapshot()
    assert (snap.calls_in_window, snap.failures, snap.opened_at, snap.retry_at) == (5, 5, T0, T0 + 30.0)


def test_rate_below_threshold_keeps_it_closed_and_reaching_it_opens() -> None:
    breaker, _ = make(FakeClock(T0))
    for _ in range(3):
        breaker.record_success()
    breaker.record_failure()
    assert breaker.record_failure() is BreakerState.CLOSED  # 2/5 = 0.4
    assert breaker.record_failure() is BreakerState.OPEN  # 3/6 = 0.5
    assert breaker.snapshot().failure_rate == 0.5


def test_window_keeps_only_the_last_n_outcomes() -> None:
    breaker, _ = make(FakeClock(T0), window_size=5, minimum_calls=5, failure_rate_threshold=0.6)
    breaker.record_failure()
    breaker.record_failure()
    for _ in range(5):
        breaker.record_success()
    snap = breaker.snapshot()
    assert (snap.calls_in_window, snap.failures, snap.total_calls) == (5, 0, 7)
    breaker.record_failure()
    assert breaker.record_failure() is BreakerState.CLOSED  # 2/5
    assert breaker.record_failure() is BreakerState.OPEN  # 3/5


def test_excluded_errors_count_as_neither_outcome() -> None:
    breaker, _ = make(FakeClock(T0), excluded_errors=frozenset({"bad_request"}))
    for _ in range(10):
        breaker.record_failure("bad_request")
    snap = breaker.snapshot()
    assert (snap.state, snap.calls_in_window, snap.total_calls) == (BreakerState.CLOSED, 0, 10)
    for _ in range(5):
        breaker.record_failure("timeout")
    assert breaker.state is BreakerState.OPEN


def test_batch_is_judged_once_with_failures_last() -> None:
    breaker, _ = make(FakeClock(T0))
    breaker.record(failures=3)
    # one outcome at a time the fifth call would read 3/5 and open; judged as a batch it is 3/7
    assert breaker.record(successes=4) is BreakerState.CLOSED
    assert breaker.record(successes=1, failures=2) is BreakerState.OPEN  # 5/10


def test_negative_batch_counts_are_refused() -> None:
    breaker, _ = make(FakeClock(T0))
    with pytest.raises(InvalidInputError) as info:
        breaker.record(failures=-1)
    assert info.value.field == "failures"


def test_open_rejects_until_the_timeout_then_half_opens() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    trip(breaker)
    clock.set(T0 + 29.9)
    assert breaker.allow() is False
    with pytest.raises(RejectedError) as info:
        breaker.acquire()
    assert (info.value.guard, info.value.name) == ("circuit_breaker", "gateway->payments")
    assert breaker.snapshot().total_rejected == 2
    clock.set(T0 + 30.0)
    assert breaker.state is BreakerState.HALF_OPEN
    assert [(t.to_state, t.at) for t in seen] == [(BreakerState.OPEN, T0), (BreakerState.HALF_OPEN, T0 + 30.0)]


def test_half_open_transition_is_dated_at_retry_time_even_when_noticed_late() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    trip(breaker)
    clock.set(T0 + 45.0)
    assert breaker.tick() is BreakerState.HALF_OPEN
    assert seen[-1].at == T0 + 30.0
    assert breaker.snapshot().since == T0 + 30.0


def test_half_open_admits_exactly_max_probes() -> None:
    clock = FakeClock(T0)
    breaker, _ = make(clock)
    trip(breaker)
    clock.set(T0 + 30.0)
    assert [breaker.allow() for _ in range(4)] == [True, True, True, False]
    with pytest.raises(RejectedError, match="probes in use"):
        breaker.acquire()


def test_three_good_probes_close_it_with_a_fresh_window() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    trip(breaker)
    clock.set(T0 + 30.0)
    for expected in (BreakerState.HALF_OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED):
        assert breaker.allow() is True
        assert breaker.record_success() is expected
    snap = breaker.snapshot()
    assert (snap.calls_in_window, snap.failures, snap.opened_at, snap.retry_at) == (0, 0, None, None)
    assert [t.to_state for t in seen] == [BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED]
    assert snap.transitions == 3
    for _ in range(4):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED  # the old failures are gone


def test_a_failed_probe_reopens_and_restarts_the_timer() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    trip(breaker)
    clock.set(T0 + 30.0)
    breaker.record_success()
    clock.set(T0 + 31.0)
    assert breaker.record_failure() is BreakerState.OPEN
    assert seen[-1].failure_rate == 1.0
    assert breaker.snapshot().retry_at == T0 + 61.0
    clock.set(T0 + 60.0)
    assert breaker.allow() is False
    clock.set(T0 + 61.0)
    assert breaker.state is BreakerState.HALF_OPEN


def test_outcomes_from_before_the_current_state_decide_nothing() -> None:
    clock = FakeClock(T0)
    breaker, _ = make(clock)
    trip(breaker)
    clock.set(T0 + 30.0)
    assert breaker.record(failures=2, at=T0 + 29.0) is BreakerState.HALF_OPEN
    assert breaker.snapshot().total_calls == 7
    assert breaker.record(failures=1, at=T0 + 30.0) is BreakerState.OPEN


def test_outcomes_while_open_are_counted_but_ignored() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    trip(breaker)
    breaker.record(successes=10)
    assert breaker.state is BreakerState.OPEN
    assert (breaker.snapshot().total_calls, len(seen)) == (15, 1)


def test_force_open_holds_until_the_given_time() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    breaker.force_open("shared decision", until=T0 + 10.0)
    assert breaker.allow() is False
    assert seen[-1].reason == "shared decision"
    clock.set(T0 + 10.0)
    assert breaker.state is BreakerState.HALF_OPEN


def test_restore_sets_state_silently() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    breaker.restore(BreakerState.OPEN, since=T0 - 10.0, opened_at=T0 - 10.0, retry_at=T0 + 20.0)
    assert (breaker.state, seen) == (BreakerState.OPEN, [])
    clock.set(T0 + 20.0)
    assert breaker.state is BreakerState.HALF_OPEN
    with pytest.raises(InvalidInputError):
        breaker.restore(BreakerState.OPEN, since=T0)


def test_empty_name_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        CircuitBreaker("", BreakerConfig(), FakeClock(T0))
    assert info.value.field == "name"


def test_state_rank_orders_by_restrictiveness() -> None:
    assert [s.rank for s in (BreakerState.CLOSED, BreakerState.HALF_OPEN, BreakerState.OPEN)] == [0, 1, 2]


def test_half_open_probes_that_end_without_a_judging_outcome_free_their_slots() -> None:
    """Seen on the stack: probes cancelled or answered 4xx used up the three slots and the breaker
    refused every call for minutes, with nothing left to close or reopen it."""
    clock = FakeClock(T0)
    breaker, _ = make(clock, recovery_timeout=6.0)
    trip(breaker)
    clock.advance(6)
    assert [breaker.allow() for _ in range(3)] == [True] * 3
    assert breaker.allow() is False  # all three probes in use
    breaker.record(excluded=1)  # one answered 4xx: says nothing about the callee
    breaker.release()  # one was cancelled before any outcome
    assert [breaker.allow(), breaker.allow(), breaker.allow()] == [True, True, False]
    breaker.record(successes=3)
    assert breaker.state is BreakerState.CLOSED


def test_release_outside_half_open_changes_nothing() -> None:
    clock = FakeClock(T0)
    breaker, seen = make(clock)
    breaker.release()
    assert (breaker.state, breaker.allow(), seen) == (BreakerState.CLOSED, True, [])
