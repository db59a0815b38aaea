from __future__ import annotations

import pytest

from aref.config import DetectionSettings
from aref.detection.engine import DetectionEngine
from aref.detection.experiments import ExperimentWindows, FaultWindowChange
from aref.detection.registry import build_detectors
from aref.detection.slo import SloDetector
from aref.errors import InvalidInputError
from aref.events import Event, EventCategory
from aref.models import HealthSample
from aref.testing import EventCapture, FakeClock

T0 = 1_000_000.0


def test_a_window_lasts_from_the_first_injection_to_the_grace_after_the_last_rollback() -> None:
    windows = ExperimentWindows(grace_s=60.0)
    assert not windows.covers(T0)
    windows.note(FaultWindowChange("F1", acting=True, at=T0))
    windows.note(FaultWindowChange("F2", acting=True, at=T0 + 10))
    windows.note(FaultWindowChange("F1", acting=False, at=T0 + 20))
    assert windows.covers(T0 + 500)  # F2 still acts
    windows.note(FaultWindowChange("F2", acting=False, at=T0 + 30))
    assert (windows.covers(T0 + 89.9), windows.covers(T0 + 90), windows.acting) == (True, False, 0)


def test_a_rollback_of_a_fault_it_never_saw_opens_no_grace() -> None:
    windows = ExperimentWindows(grace_s=60.0)
    windows.note(FaultWindowChange("F0", acting=False, at=T0))
    assert not windows.covers(T0 + 1)
    with pytest.raises(InvalidInputError):
        ExperimentWindows(grace_s=-1.0)


def availability(detector: SloDetector) -> dict[str, object]:
    (status,) = [s for s in detector.status()["slos"] if s["sli"] == "availability"]
    return dict(status)


def test_burn_during_a_fault_is_kept_apart_and_pages_nobody_while_an_outage_burn_does() -> None:
    detector = SloDetector.from_settings(
        DetectionSettings(burn_rate_window_scale=0.0625, experiment_grace_seconds=5.0), ["payments"]
    )
    for i in range(10):
        detector.observe(HealthSample("payments", T0 + i, 1000, 0))
    detector.observe(FaultWindowChange("F1", acting=True, at=T0 + 10))
    during = [s for i in range(10, 40) for s in detector.observe(HealthSample("payments", T0 + i, 100, 50))]
    assert not any(s.firing for s in during)  # the other detectors see the fault; its burn pages nobody
    detector.observe(FaultWindowChange("F1", acting=False, at=T0 + 40))
    detector.observe(HealthSample("payments", T0 + 42, 100, 10))  # within the grace: still the experiment's
    status = availability(detector)
    assert (status["events"], status["bad_events"]) == (10000 + 3100, 1510)
    assert (status["experiment_events"], status["experiment_bad_events"]) == (3100, 1510)
    assert status["budget_remaining"] == 0.0
    assert status["budget_remaining_outside_experiments"] == 1.0

    after = [s for i in range(46, 76) for s in detector.observe(HealthSample("payments", T0 + i, 100, 50))]
    firing = [s for s in after if s.firing]
    assert firing  # the same burn outside a fault is an outage's: it pages
    assert firing[-1].details["budget_consumed"] == pytest.approx(1500 / (13000 * 0.001))
    assert availability(detector)["experiment_events"] == 3100
    assert availability(detector)["budget_remaining_outside_experiments"] == 0.0


def test_the_engine_opens_and_closes_windows_from_chaos_events() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    settings = DetectionSettings(experiment_grace_seconds=0.0)
    engine = DetectionEngine(settings, clock, sink, detectors=build_detectors(settings, ["payments"], ["slo_burn"]))

    def fault(kind: str) -> Event:
        return Event.create(EventCategory.CHAOS, kind, source="chaos", clock=clock, payload={"fault_id": "FLT-1"})

    engine.handle([fault("fault_injected")])
    engine.ingest(HealthSample("payments", clock.now(), 100, 40))
    engine.handle([fault("fault_rolled_back")])
    clock.advance(1)
    engine.ingest(HealthSample("payments", clock.now(), 100, 1))
    (status,) = [s for s in engine.status()["detectors"]["slo_burn"]["slos"] if s["sli"] == "availability"]
    assert (status["bad_events"], status["experiment_bad_events"], status["experiment_events"]) == (41, 40, 100)
