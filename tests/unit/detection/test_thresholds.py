from __future__ import annotations

from typing import Any

import pytest

from aref.config import DetectionSettings
from aref.detection.thresholds import (
    Comparison,
    ThresholdDetector,
    ThresholdRule,
    ThresholdState,
    default_rules,
)
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import HealthSample


def rule(**overrides: Any) -> ThresholdRule:
    fields: dict[str, Any] = {
        "name": "payments.error_rate",
        "service": "payments",
        "metric": "error_rate",
        "warning": 0.05,
        "critical": 0.15,
        "confirmations": 3,
    }
    return ThresholdRule(**{**fields, **overrides})


def sample(errors: int, at: float, service: str = "payments", requests: int = 100) -> HealthSample:
    return HealthSample(service, at, requests=requests, errors=errors, latency_p99_ms=50.0)


def test_fires_on_the_nth_consecutive_breach_and_not_before() -> None:
    state = ThresholdState(rule())
    assert state.observe(0.10, at=10.0) is None
    assert state.observe(0.10, at=11.0) is None  # N-1: still unconfirmed
    verdict = state.observe(0.10, at=12.0)
    assert verdict is not None
    assert (verdict.level, verdict.onset_at, verdict.value, verdict.at) == (Severity.WARNING, 10.0, 0.10, 12.0)


def test_a_non_breaching_sample_resets_the_streak() -> None:
    state = ThresholdState(rule())
    state.observe(0.10, 1.0)
    state.observe(0.10, 2.0)
    cleared = state.observe(0.01, 3.0)
    assert cleared is not None
    assert cleared.level is None
    assert state.observe(0.10, 4.0) is None
    assert state.observe(0.10, 5.0) is None
    verdict = state.observe(0.10, 6.0)
    assert verdict is not None
    assert verdict.onset_at == 4.0


def test_the_limit_itself_is_not_a_breach() -> None:
    state = ThresholdState(rule(confirmations=1))
    verdict = state.observe(0.05, 1.0)
    assert verdict is not None
    assert verdict.level is None


def test_escalates_to_critical_after_its_own_confirmations_and_keeps_the_onset() -> None:
    state = ThresholdState(rule())
    for t in (1.0, 2.0, 3.0):
        state.observe(0.10, t)
    levels = []
    for t in (4.0, 5.0, 6.0):
        verdict = state.observe(0.20, t)
        assert verdict is not None
        levels.append(verdict.level)
    assert levels == [Severity.WARNING, Severity.WARNING, Severity.CRITICAL]
    assert state.onset_at == 1.0


def test_a_breach_straight_to_critical_fires_critical() -> None:
    state = ThresholdState(rule())
    verdicts = [state.observe(0.50, t) for t in (1.0, 2.0, 3.0)]
    assert verdicts[:2] == [None, None]
    assert verdicts[2] is not None
    assert verdicts[2].level is Severity.CRITICAL


def test_a_firing_rule_never_de_escalates_but_clears_when_back_under() -> None:
    state = ThresholdState(rule(confirmations=1))
    state.observe(0.30, 1.0)
    warning_band = state.observe(0.08, 2.0)
    assert warning_band is not None
    assert warning_band.level is Severity.CRITICAL
    cleared = state.observe(0.01, 3.0)
    assert cleared is not None
    assert (cleared.level, state.level) == (None, None)


def test_clear_after_needs_consecutive_healthy_samples() -> None:
    state = ThresholdState(rule(confirmations=1, clear_after=2))
    state.observe(0.10, 1.0)
    assert state.observe(0.01, 2.0) is None
    still = state.observe(0.10, 3.0)  # breach again before clearing: still firing
    assert still is not None
    assert still.level is Severity.WARNING
    assert state.observe(0.01, 4.0) is None
    cleared = state.observe(0.01, 5.0)
    assert cleared is not None
    assert cleared.level is None


def test_emergency_level_is_optional_and_confirmed_like_the_others() -> None:
    state = ThresholdState(rule(emergency=0.5))
    levels = [v.level if (v := state.observe(0.9, t)) else None for t in (1.0, 2.0, 3.0)]
    assert levels == [None, None, Severity.EMERGENCY]


def test_below_rules_breach_under_the_limits() -> None:
    state = ThresholdState(
        ThresholdRule("gw.replicas", "gateway", "replicas", 2, 1, confirmations=1, comparison=Comparison.BELOW)
    )
    assert [v.level if (v := state.observe(x, 0.0)) else "pending" for x in (3.0, 1.5, 0.0)] == [
        None,
        Severity.WARNING,
        Severity.CRITICAL,
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"warning": -0.1}, "warning"),
        ({"critical": -1.0, "warning": -2.0}, "warning"),
        ({"critical": -1.0, "warning": 0.0}, "critical"),
        ({"critical": 0.01}, "critical"),
        ({"emergency": 0.10}, "emergency"),
        ({"comparison": Comparison.BELOW}, "critical"),
        ({"confirmations": 0}, "confirmations"),
        ({"clear_after": 0}, "clear_after"),
        ({"metric": "cpu"}, "metric"),
        ({"name": ""}, "name"),
        ({"service": ""}, "service"),
    ],
)
def test_invalid_rules_name_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        rule(**overrides)
    assert err.value.field == field


def test_default_rules_follow_the_settings() -> None:
    settings = DetectionSettings(confirmations=4)
    rules = default_rules(settings, ["orders", "payments"])
    assert [(r.name, r.metric, r.warning, r.critical, r.confirmations) for r in rules] == [
        ("orders.error_rate", "error_rate", 0.05, 0.15, 4),
        ("orders.latency_p99", "latency_p99", 300.0, 1000.0, 4),
        ("payments.error_rate", "error_rate", 0.05, 0.15, 4),
        ("payments.latency_p99", "latency_p99", 300.0, 1000.0, 4),
    ]


def test_settings_with_critical_below_warning_are_rejected() -> None:
    settings = DetectionSettings(error_rate_warning=0.2, error_rate_critical=0.1)
    with pytest.raises(InvalidInputError) as err:
        default_rules(settings, ["orders"])
    assert err.value.field == "critical"


def test_detector_signals_only_its_services_definite_judgments() -> None:
    detector = ThresholdDetector([rule()])
    assert detector.observe(sample(10, 1.0, service="orders")) == []
    assert detector.observe("not a sample") == []
    assert detector.observe(sample(10, 1.0)) == []
    assert detector.observe(sample(10, 2.0)) == []
    [signal] = detector.observe(sample(10, 3.0))
    assert signal.fingerprint == "threshold:payments:error_rate"
    assert (signal.firing, signal.severity, signal.value, signal.threshold, signal.onset_at) == (
        True,
        Severity.WARNING,
        0.10,
        0.05,
        1.0,
    )
    assert signal.details == {"rule": "payments.error_rate"}
    [clear] = detector.observe(sample(0, 4.0))
    assert (clear.firing, clear.fingerprint) == (False, "threshold:payments:error_rate")


def test_idle_ticks_neither_breach_nor_reset() -> None:
    detector = ThresholdDetector([rule()])
    detector.observe(sample(10, 1.0))
    detector.observe(sample(10, 2.0))
    assert detector.observe(sample(0, 2.5, requests=0)) == []
    [signal] = detector.observe(sample(10, 3.0))
    assert signal.firing


def test_two_rules_for_one_metric_of_one_service_are_rejected() -> None:
    with pytest.raises(InvalidInputError) as err:
        ThresholdDetector([rule(), rule(name="other")])
    assert err.value.field == "rules"


def test_status_reports_streak_and_level() -> None:
    detector = ThresholdDetector([rule()])
    detector.observe(sample(20, 1.0))
    [status] = detector.status()["rules"]
    assert status == {
        "name": "payments.error_rate",
        "service": "payments",
        "metric": "error_rate",
        "comparison": "above",
        "warning": 0.05,
        "critical": 0.15,
        "emergency": None,
        "confirmations": 3,
        "streak": 1,
        "level": None,
        "last_value": 0.2,
        "onset_at": 1.0,
    }
    assert detector.evaluate(99.0) == []


def test_has_rules_follows_the_configured_rules() -> None:
    assert ThresholdDetector([]).has_rules is False
    assert ThresholdDetector([]).status()["rules"] == []
    detector = ThresholdDetector([rule(), rule(name="orders.error_rate", service="orders")])
    assert detector.has_rules is True
    assert len(detector.status()["rules"]) == 2
    assert ThresholdDetector.from_settings(DetectionSettings(), ["payments"]).has_rules is True
    assert ThresholdDetector.from_settings(DetectionSettings(), []).has_rules is False
