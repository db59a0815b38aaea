from __future__ import annotations

import pytest

from aref.absorption.breaker import BreakerConfig, BreakerState, CircuitBreaker
from aref.absorption.shared_breaker import (
    FORGET_REPORTER_S,
    BreakerDecision,
    OutcomeReport,
    SharedBreakerRegistry,
    align_local,
    combine_states,
)
from aref.errors import InvalidInputError, NotFoundError
from aref.events import Severity
from aref.testing import EventCapture, FakeClock
from aref.topics import BREAKER_CLOSED, BREAKER_HALF_OPEN, BREAKER_OPENED

T0 = 1_700_000_000.0
EDGE = "gateway->payments"


def report(reporter: str, seq: int, *, ok: int = 0, bad: int = 0, at: float = T0, edge: str = EDGE) -> OutcomeReport:
    return OutcomeReport(edge, reporter, successes=ok, failures=bad, excluded=0, at=at, sequence=seq)


def registry(clock: FakeClock, sink: EventCapture | None = None) -> SharedBreakerRegistry:
    return SharedBreakerRegistry(BreakerConfig(), clock, sink, edges=(EDGE, "orders->payments"))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"edge": "gateway"}, "edge"),
        ({"reporter_id": ""}, "reporter_id"),
        ({"successes": -1}, "successes"),
        ({"failures": -1}, "failures"),
        ({"excluded": -1}, "excluded"),
        ({"sequence": -1}, "sequence"),
    ],
)
def test_invalid_report_names_the_field(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "edge": EDGE,
        "reporter_id": "r1",
        "successes": 0,
        "failures": 0,
        "excluded": 0,
        "at": T0,
        "sequence": 0,
    }
    with pytest.raises(InvalidInputError) as info:
        OutcomeReport(**{**base, **kwargs})  # type: ignore[arg-type]
    assert info.value.field == field


def test_reports_from_three_replicas_open_the_edge_at_the_exact_count() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    reg = registry(clock, sink)
    assert reg.apply(report("r1", 1, ok=1, bad=1)) is True
    assert reg.apply(report("r2", 1, bad=1)) is True
    assert reg.apply(report("r3", 1, ok=1)) is True
    assert reg.decision(EDGE).state is BreakerState.CLOSED  # 4 calls < minimum 5
    assert sink.events == []
    assert reg.apply(report("r1", 2, bad=1)) is True  # 5 calls, 3 failures
    assert reg.decision(EDGE) == BreakerDecision(EDGE, BreakerState.OPEN, 1, T0, T0, T0 + 30.0)
    event = sink.last(BREAKER_OPENED)
    assert event.payload["breaker"] == EDGE
    assert (event.payload["service"], event.payload["dependency"]) == ("gateway", "payments")
    assert event.payload["failure_rate"] == 0.6
    assert (event.severity, event.source) == (Severity.WARNING, "absorption")
    assert reg.decision("orders->payments").state is BreakerState.CLOSED


def test_the_same_report_twice_is_harmless() -> None:
    reg = registry(FakeClock(T0))
    for _ in range(2):
        reg.apply(report("r1", 1, bad=4))
    assert reg.snapshot(EDGE).calls_in_window == 4
    assert reg.apply(report("r1", 1, bad=4)) is False
    assert reg.apply(report("r1", 0, bad=4)) is False  # older than the last applied
    assert reg.snapshot(EDGE).total_calls == 4
    assert reg.decision(EDGE).state is BreakerState.CLOSED


def test_sequences_are_tracked_per_reporter_and_edge() -> None:
    reg = registry(FakeClock(T0))
    assert reg.apply(report("r1", 7, bad=1)) is True
    assert reg.apply(report("r2", 7, bad=1)) is True
    assert reg.apply(report("r1", 7, bad=1, edge="orders->payments")) is True
    assert reg.snapshot(EDGE).calls_in_window == 2


def test_a_reporter_silent_for_the_forget_time_is_forgotten_and_a_live_one_kept() -> None:
    clock = FakeClock(T0)
    reg = registry(clock)
    reg.apply(report("replaced", 5, ok=1))
    clock.advance(FORGET_REPORTER_S / 2)
    reg.apply(report("live", 1, ok=1))
    clock.advance(FORGET_REPORTER_S / 2)
    reg.tick()
    assert reg.reporters == 1
    assert reg.apply(report("live", 1, ok=1)) is False  # still deduplicated
    clock.advance(FORGET_REPORTER_S)
    reg.tick()
    assert reg.reporters == 0


def test_unknown_edge_applies_nothing_from_the_batch() -> None:
    reg = registry(FakeClock(T0))
    with pytest.raises(NotFoundError):
        reg.apply_all([report("r1", 1, bad=1), report("r1", 2, bad=1, edge="gateway->nowhere")])
    assert reg.snapshot(EDGE).total_calls == 0
    with pytest.raises(NotFoundError):
        reg.decision("gateway->nowhere")


def test_version_grows_on_every_state_change() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    reg = registry(clock, sink)
    reg.apply(report("r1", 1, bad=5))
    assert reg.version == 1
    clock.set(T0 + 30.0)
    reg.tick()
    assert (reg.version, reg.decision(EDGE).version) == (2, 2)
    assert reg.decision("orders->payments").version == 0
    assert set(reg.decisions_since(1)) == {EDGE}
    assert reg.decisions_since(2) == {}
    reg.apply(report("r1", 2, ok=3, at=T0 + 30.0))
    assert reg.decision(EDGE) == BreakerDecision(EDGE, BreakerState.CLOSED, 3, T0 + 30.0)
    assert sink.topics() == [BREAKER_OPENED, BREAKER_HALF_OPEN, BREAKER_CLOSED]
    assert [e.payload["version"] for e in sink.events] == [1, 2, 3]


def test_lazy_half_open_is_published_on_read() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    reg = registry(clock, sink)
    reg.apply(report("r1", 1, bad=5))
    clock.set(T0 + 30.0)
    assert reg.decision(EDGE).state is BreakerState.HALF_OPEN
    assert sink.topics() == [BREAKER_OPENED, BREAKER_HALF_OPEN]


def test_a_failing_probe_report_reopens() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    reg = registry(clock, sink)
    reg.apply(report("r1", 1, bad=5))
    clock.set(T0 + 31.0)
    reg.apply(report("r2", 1, ok=2, bad=1, at=T0 + 31.0))
    assert reg.decision(EDGE).retry_at == T0 + 61.0
    assert sink.topics() == [BREAKER_OPENED, BREAKER_HALF_OPEN, BREAKER_OPENED]
    assert sink.last(BREAKER_OPENED).payload["failure_rate"] == pytest.approx(1 / 3)


def test_stale_report_from_the_open_period_does_not_reopen_a_half_open_edge() -> None:
    clock = FakeClock(T0)
    reg = registry(clock)
    reg.apply(report("r1", 1, bad=5))
    clock.set(T0 + 30.5)
    reg.apply(report("r2", 1, bad=3, at=T0 + 29.0))
    assert reg.decision(EDGE).state is BreakerState.HALF_OPEN


def test_explicit_correlation_id_then_the_episode_tags_every_event() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    reg = registry(clock, sink)
    reg.apply(report("r1", 1, bad=5), correlation_id="INC-1")
    clock.set(T0 + 30.0)
    reg.tick()
    reg.apply(report("r1", 2, ok=3, at=T0 + 30.0))
    assert [e.correlation_id for e in sink.events] == ["INC-1", "INC-1", "INC-1"]
    assert reg.episode(EDGE) is None  # closed: the episode is over
    reg.apply(report("r1", 3, bad=5, at=T0 + 30.0))
    assert sink.events[-1].correlation_id is None


def test_correlated_dependency_tags_transitions_of_edges_into_it() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    reg = registry(clock, sink)
    reg.correlate("payments", "INC-7")
    reg.apply(report("r1", 1, bad=5, edge="orders->payments"))
    assert sink.last(BREAKER_OPENED).correlation_id == "INC-7"
    assert reg.episode("orders->payments") == "INC-7"
    reg.correlate("payments", None)
    reg.apply(report("r1", 1, bad=5))
    assert sink.events[-1].correlation_id is None


def test_without_a_sink_decisions_still_change() -> None:
    reg = registry(FakeClock(T0), None)
    reg.apply(report("r1", 1, bad=5))
    assert (reg.decision(EDGE).state, reg.version) == (BreakerState.OPEN, 1)


def test_restore_keeps_versions_growing() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    reg = registry(clock, sink)
    reg.restore(BreakerDecision(EDGE, BreakerState.OPEN, 41, T0 - 5.0, T0 - 5.0, T0 + 25.0))
    assert (reg.version, sink.events) == (41, [])
    clock.set(T0 + 25.0)
    reg.tick()
    assert reg.decision(EDGE) == BreakerDecision(EDGE, BreakerState.HALF_OPEN, 42, T0 + 25.0, T0 - 5.0)


def test_add_edge_is_idempotent_and_validates() -> None:
    reg = registry(FakeClock(T0))
    reg.apply(report("r1", 1, bad=2))
    reg.add_edge(EDGE)
    assert reg.snapshot(EDGE).calls_in_window == 2
    assert reg.edges == (EDGE, "orders->payments")
    with pytest.raises(InvalidInputError):
        reg.add_edge("payments")


@pytest.mark.parametrize(
    ("local", "shared", "acted"),
    [
        (BreakerState.CLOSED, BreakerState.CLOSED, BreakerState.CLOSED),
        (BreakerState.CLOSED, BreakerState.OPEN, BreakerState.OPEN),
        (BreakerState.OPEN, BreakerState.CLOSED, BreakerState.OPEN),
        (BreakerState.CLOSED, BreakerState.HALF_OPEN, BreakerState.HALF_OPEN),
        (BreakerState.HALF_OPEN, BreakerState.CLOSED, BreakerState.HALF_OPEN),
        (BreakerState.HALF_OPEN, BreakerState.OPEN, BreakerState.OPEN),
        (BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.OPEN),
    ],
)
def test_combine_is_never_less_restrictive_than_either(
    local: BreakerState, shared: BreakerState, acted: BreakerState
) -> None:
    assert combine_states(local, shared) is acted


def test_align_forces_a_local_breaker_open_until_the_shared_retry() -> None:
    clock = FakeClock(T0)
    local = CircuitBreaker(EDGE, BreakerConfig(), clock)
    shared_open = BreakerDecision(EDGE, BreakerState.OPEN, 4, T0, T0, T0 + 12.0)
    assert align_local(local, shared_open) is BreakerState.OPEN
    assert local.allow() is False
    clock.set(T0 + 12.0)
    assert local.state is BreakerState.HALF_OPEN


def test_align_never_relaxes_a_locally_open_breaker() -> None:
    clock = FakeClock(T0)
    local = CircuitBreaker(EDGE, BreakerConfig(), clock)
    local.record(failures=5)
    shared_closed = BreakerDecision(EDGE, BreakerState.CLOSED, 9, T0)
    assert align_local(local, shared_closed) is BreakerState.OPEN
    assert local.snapshot().retry_at == T0 + 30.0
