from __future__ import annotations

import pytest

from aref.absorption.degradation import (
    CRITICAL_FEATURES,
    DISABLED_FEATURES,
    DegradationManager,
    DegradationPolicy,
    DegradationTier,
    HealthSignals,
    enabled_features,
    target_tier,
)
from aref.errors import InvalidInputError, NotFoundError
from aref.events import Severity
from aref.testing import EventCapture, FakeClock
from aref.topics import DEGRADATION_CHANGED

T0 = 1_700_000_000.0
POLICY = DegradationPolicy()
FULL, REDUCED, MINIMAL, EMERGENCY = (
    DegradationTier.FULL,
    DegradationTier.REDUCED,
    DegradationTier.MINIMAL,
    DegradationTier.EMERGENCY,
)


def test_each_tier_disables_strictly_more_and_never_a_critical_feature() -> None:
    previous: set[str] = set()
    for tier in DegradationTier:
        disabled = set(DISABLED_FEATURES[tier])
        assert previous <= disabled
        assert previous != disabled or tier is FULL
        assert not disabled & set(CRITICAL_FEATURES)
        assert set(enabled_features(tier)) | disabled == {*CRITICAL_FEATURES, *DISABLED_FEATURES[EMERGENCY]}
        previous = disabled
    assert enabled_features(EMERGENCY) == ("order_status", "health")
    assert "new_orders" in DISABLED_FEATURES[EMERGENCY]
    assert "order_receipts" in DISABLED_FEATURES[MINIMAL]


@pytest.mark.parametrize(
    ("error_rate", "tier"),
    [(0.0, FULL), (0.0499, FULL), (0.05, REDUCED), (0.1499, REDUCED), (0.15, MINIMAL), (0.5, EMERGENCY)],
)
def test_error_rate_thresholds(error_rate: float, tier: DegradationTier) -> None:
    assert target_tier(HealthSignals(error_rate=error_rate), POLICY)[0] is tier


@pytest.mark.parametrize(
    ("open_breakers", "dependencies", "tier"),
    [
        (0, 4, FULL),
        (1, 4, REDUCED),
        (2, 4, MINIMAL),
        (3, 4, MINIMAL),
        (4, 4, EMERGENCY),
        (1, 1, EMERGENCY),
        (1, 2, MINIMAL),
    ],
)
def test_open_breaker_thresholds(open_breakers: int, dependencies: int, tier: DegradationTier) -> None:
    signals = HealthSignals(open_breakers=open_breakers, dependencies=dependencies)
    assert target_tier(signals, POLICY)[0] is tier


@pytest.mark.parametrize(
    ("severity", "tier"),
    [(Severity.INFO, FULL), (Severity.WARNING, REDUCED), (Severity.CRITICAL, MINIMAL), (Severity.EMERGENCY, EMERGENCY)],
)
def test_alert_severity_sets_a_floor(severity: Severity, tier: DegradationTier) -> None:
    assert target_tier(HealthSignals(alert_severity=severity), POLICY)[0] is tier


def test_the_highest_signal_wins_and_gives_the_reason() -> None:
    signals = HealthSignals(error_rate=0.06, open_breakers=2, dependencies=4, alert_severity=Severity.WARNING)
    assert target_tier(signals, POLICY) == (MINIMAL, "2/4 dependency breakers not closed")
    assert target_tier(HealthSignals(), POLICY) == (FULL, "healthy")
    assert target_tier(HealthSignals(error_rate=0.2), POLICY) == (MINIMAL, "error rate 0.20 >= 0.15")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reduced_error_rate": 0.0}, "minimal_error_rate"),
        ({"minimal_error_rate": 0.6}, "minimal_error_rate"),
        ({"reduced_open_breakers": 0}, "reduced_open_breakers"),
        ({"minimal_open_fraction": 0.0}, "minimal_open_fraction"),
        ({"emergency_open_fraction": 0.4}, "minimal_open_fraction"),
        ({"step_down_after": -1.0}, "step_down_after"),
    ],
)
def test_invalid_policy_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        DegradationPolicy(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"error_rate": 1.5}, "error_rate"),
        ({"dependencies": -1}, "dependencies"),
        ({"open_breakers": 3, "dependencies": 2}, "open_breakers"),
    ],
)
def test_invalid_signals_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        HealthSignals(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def manager(clock: FakeClock, sink: EventCapture, **policy: float) -> DegradationManager:
    return DegradationManager(("gateway", "payments"), clock, sink, DegradationPolicy(**policy))  # type: ignore[arg-type]


def test_escalation_is_immediate_and_published() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    mgr = manager(clock, sink)
    assert mgr.evaluate("gateway", HealthSignals(open_breakers=1, dependencies=4), correlation_id="INC-1") is REDUCED
    assert mgr.evaluate("gateway", HealthSignals(error_rate=0.9)) is EMERGENCY
    assert [(e.payload["from_tier"], e.payload["to_tier"]) for e in sink.of(DEGRADATION_CHANGED)] == [
        ("full", "reduced"),
        ("reduced", "emergency"),
    ]
    first, second = sink.events
    assert first.payload["service"] == "gateway"
    assert first.payload["reason"] == "1/4 dependency breakers not closed"
    assert first.payload["disabled_features"] == []  # the gateway has no optional work reduced switches off
    assert second.payload["disabled_features"] == ["order_receipts", "new_orders"]
    assert second.payload["enabled_features"] == ["order_status", "health"]
    assert (first.severity, second.severity) == (Severity.WARNING, Severity.CRITICAL)
    assert [e.correlation_id for e in sink.events] == ["INC-1", "INC-1"]  # the episode keeps its id
    assert mgr.state("gateway").since == T0
    assert mgr.tier("payments") is FULL


def test_step_down_waits_for_the_hold_then_jumps_to_the_target() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    mgr = manager(clock, sink)
    mgr.evaluate("payments", HealthSignals(error_rate=0.6), correlation_id="INC-2")
    clock.advance(10.0)
    assert mgr.evaluate("payments", HealthSignals()) is EMERGENCY
    clock.advance(29.0)
    assert mgr.evaluate("payments", HealthSignals(error_rate=0.06)) is EMERGENCY  # lower, still holding
    clock.advance(1.0)
    assert mgr.evaluate("payments", HealthSignals()) is FULL
    last = sink.events[-1]
    assert (last.payload["from_tier"], last.payload["to_tier"], last.severity) == ("emergency", "full", Severity.INFO)
    assert last.correlation_id == "INC-2"
    assert len(sink.events) == 2


def test_signals_back_at_the_current_tier_restart_the_hold() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    mgr = manager(clock, sink)
    mgr.evaluate("payments", HealthSignals(error_rate=0.2))
    clock.advance(20.0)
    mgr.evaluate("payments", HealthSignals())
    clock.advance(5.0)
    mgr.evaluate("payments", HealthSignals(error_rate=0.2))  # back at MINIMAL: hold restarts
    clock.advance(20.0)
    assert mgr.evaluate("payments", HealthSignals()) is MINIMAL
    clock.advance(30.0)
    assert mgr.evaluate("payments", HealthSignals()) is FULL


def test_zero_hold_steps_down_at_once_and_a_new_episode_forgets_the_old_id() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    mgr = manager(clock, sink, step_down_after=0.0)
    mgr.evaluate("gateway", HealthSignals(error_rate=0.2), correlation_id="INC-3")
    assert mgr.evaluate("gateway", HealthSignals()) is FULL
    mgr.evaluate("gateway", HealthSignals(error_rate=0.2))
    assert [e.correlation_id for e in sink.events] == ["INC-3", "INC-3", None]


def test_without_a_sink_tiers_still_change() -> None:
    mgr = DegradationManager(("gateway",), FakeClock(T0))
    assert mgr.evaluate("gateway", HealthSignals(alert_severity=Severity.EMERGENCY)) is EMERGENCY
    assert mgr.states()["gateway"].disabled_features == ("order_receipts", "new_orders")


def test_unknown_service_is_not_found() -> None:
    mgr = DegradationManager(("gateway",), FakeClock(T0))
    with pytest.raises(NotFoundError):
        mgr.evaluate("billing", HealthSignals())


def test_a_pinned_tier_holds_against_signals_and_follows_them_at_once_when_lifted() -> None:
    clock = FakeClock(T0)
    mgr = DegradationManager(["gateway"], clock)

    assert mgr.pin("gateway", EMERGENCY).tier is EMERGENCY
    assert mgr.evaluate("gateway", HealthSignals()) is EMERGENCY  # healthy signals do not move a pin
    assert mgr.pinned() == {"gateway": EMERGENCY}

    mgr.pin("gateway", None)
    assert mgr.pinned() == {}
    assert mgr.evaluate("gateway", HealthSignals()) is FULL  # no step-down hold after a lifted pin
    clock.advance(1)
    assert mgr.evaluate("gateway", HealthSignals(error_rate=0.2)) is MINIMAL
    assert mgr.evaluate("gateway", HealthSignals()) is MINIMAL  # the ordinary hold is back


def test_pinning_an_unknown_service_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        DegradationManager(["gateway"], FakeClock(T0)).pin("nope", REDUCED)
