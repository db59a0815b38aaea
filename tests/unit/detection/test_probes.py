from __future__ import annotations

from typing import Any

import pytest

from aref.config import DetectionSettings
from aref.detection.probes import ORDER, READYZ, ProbeDetector, ProbeResult, ProbeTarget, ProbeTracker, probe_targets
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass


def probe(at: float, ok: bool = True, target: str = "gateway", status: int | None = 200) -> ProbeResult:
    return (
        ProbeResult(target, ok, 12.0, status if ok else 503, at) if status else ProbeResult(target, ok, 0.0, None, at)
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"target": ""}, "target"), ({"latency_ms": -1.0}, "latency_ms"), ({"status_code": 42}, "status_code")],
)
def test_invalid_probe_results_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = {"target": "gateway", "ok": True, "latency_ms": 5.0, "status_code": 200, "at": 0.0}
    with pytest.raises(InvalidInputError) as err:
        ProbeResult(**{**fields, **kwargs})
    assert err.value.field == field


def test_down_after_n_consecutive_failures_not_before() -> None:
    tracker = ProbeTracker("gateway", down_after=3)
    verdicts = [tracker.record(probe(t, ok=False)) for t in (1.0, 2.0, 3.0)]
    assert [v.down for v in verdicts] == [False, False, True]
    assert [v.consecutive_failures for v in verdicts] == [1, 2, 3]
    assert verdicts[-1].failing_since == 1.0


def test_a_success_resets_the_failures() -> None:
    tracker = ProbeTracker("gateway", down_after=2)
    tracker.record(probe(1.0, ok=False))
    ok = tracker.record(probe(2.0))
    assert (ok.consecutive_failures, ok.down, ok.failing_since) == (0, False, None)
    assert not tracker.record(probe(3.0, ok=False)).down


def test_availability_over_the_window() -> None:
    tracker = ProbeTracker("gateway", window_seconds=10.0)
    assert tracker.availability(0.0) is None
    for t, ok in [(0.0, False), (5.0, True), (8.0, True), (12.0, False)]:
        verdict = tracker.record(probe(t, ok=ok))
    assert verdict.availability == pytest.approx(2 / 3)  # the probe at 0.0 left the window
    assert tracker.availability(30.0) is None


def test_tracker_follows_one_target() -> None:
    with pytest.raises(InvalidInputError) as err:
        ProbeTracker("gateway").record(probe(1.0, target="orders"))
    assert err.value.field == "target"


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"down_after": 0}, "down_after"), ({"window_seconds": 0}, "window_seconds")]
)
def test_invalid_detector_parameters(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        ProbeDetector(**kwargs)
    assert err.value.field == field


def test_detector_fires_emergency_when_down_and_clears_on_success() -> None:
    detector = ProbeDetector(down_after=3)
    assert detector.observe(probe(1.0, ok=False, status=None)) == []
    assert detector.observe(probe(2.0, ok=False)) == []
    [signal] = detector.observe(probe(3.0, ok=False))
    assert signal.fingerprint == "synthetic:gateway:probe.readyz"
    assert (signal.severity, signal.detection_class, signal.onset_at, signal.value, signal.threshold) == (
        Severity.EMERGENCY,
        DetectionClass.SYNTHETIC,
        1.0,
        3.0,
        3.0,
    )
    assert signal.details == {"availability": 0.0, "status_code": 503}
    [clear] = detector.observe(probe(4.0))
    assert (clear.firing, clear.fingerprint) == (False, "synthetic:gateway:probe.readyz")
    assert detector.observe("not a probe") == []
    assert detector.evaluate(5.0) == []


def test_settings_and_status() -> None:
    settings = DetectionSettings(synthetic_probe_interval=5.0, synthetic_probe_failures=3)
    detector = ProbeDetector.from_settings(settings, ["gateway", "orders"])
    detector.observe(probe(1.0, ok=False))
    detector.observe(ProbeResult("gateway", True, 30.0, 201, 2.0, check=ORDER))
    status = detector.status()
    assert (status["down_after"], status["window_seconds"]) == (3, 100.0)
    assert status["targets"] == [
        {
            "target": "gateway",
            "check": READYZ,
            "down": False,
            "consecutive_failures": 1,
            "availability": 0.0,
            "last_at": 1.0,
            "last_latency_ms": 12.0,
            "last_status_code": 503,
            "last_ok": False,
            "last_error": None,
            "last_ok_at": None,
            "last_failure_at": 1.0,
            "failing_since": 1.0,
        },
        {
            "target": "orders",
            "check": READYZ,
            "down": False,
            "consecutive_failures": 0,
            "availability": None,
            "last_at": None,
            "last_latency_ms": None,
            "last_status_code": None,
            "last_ok": None,
            "last_error": None,
            "last_ok_at": None,
            "last_failure_at": None,
            "failing_since": None,
        },
        {
            "target": "gateway",
            "check": ORDER,
            "down": False,
            "consecutive_failures": 0,
            "availability": 1.0,
            "last_at": 2.0,
            "last_latency_ms": 30.0,
            "last_status_code": 201,
            "last_ok": True,
            "last_error": None,
            "last_ok_at": 2.0,
            "last_failure_at": None,
            "failing_since": None,
        },
    ]


def test_each_check_of_a_service_is_judged_on_its_own() -> None:
    detector = ProbeDetector(down_after=2)
    order = {"check": ORDER, "error": "timeout"}
    assert detector.observe(ProbeResult("gateway", False, 1500.0, None, 1.0, **order)) == []
    assert detector.observe(probe(1.5)) != []  # the readiness probe's success clears only its own check
    [signal] = detector.observe(ProbeResult("gateway", False, 1500.0, None, 3.0, **order))
    assert (signal.firing, signal.fingerprint, signal.details["error"]) == (
        True,
        "synthetic:gateway:probe.order",
        "timeout",
    )


def test_probe_targets_cover_every_service_and_an_order_through_the_gateway() -> None:
    targets = probe_targets(["gateway", "orders"])
    assert [t.key for t in targets] == ["gateway.readyz", "orders.readyz", "gateway.order"]
    assert probe_targets(["orders"]) == (ProbeTarget("orders"),)
    with pytest.raises(InvalidInputError) as err:
        ProbeResult("gateway", True, 1.0, 200, 0.0, check="ping")
    assert err.value.field == "check"


def test_has_reported_once_a_probe_result_arrived() -> None:
    detector = ProbeDetector(targets=["gateway", "orders"])
    assert detector.has_reported is False  # targets alone are not measurements
    assert all(t["last_at"] is None for t in detector.status()["targets"])
    detector.observe(probe(0.0, ok=False))  # a failed probe at t=0 is still a result
    assert detector.has_reported is True
    assert ProbeDetector().has_reported is False
