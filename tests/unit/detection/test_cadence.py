from __future__ import annotations

import pytest

from aref.config import DetectionSettings
from aref.detection.cadence import Cadence, unwrapped
from aref.detection.detector import Signal
from aref.detection.probes import ProbeDetector, ProbeResult
from aref.detection.registry import build_detectors
from aref.detection.thresholds import ThresholdDetector, ThresholdRule
from aref.detection.zscore import zscore_monitor
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import HealthSample
from aref.testing import FakeClock

RULE = ThresholdRule("payments.error_rate", "payments", "error_rate", 0.05, 0.15, confirmations=3)


def sample(clock: FakeClock, errors: int, service: str = "payments", step: float = 1.0) -> HealthSample:
    return HealthSample(service, clock.advance(step), 100, errors, 20.0, 80.0)


def firing(signals: list[Signal]) -> list[Signal]:
    return [s for s in signals if s.firing]


def test_an_interval_of_one_tick_judges_every_sample_as_it_arrives() -> None:
    clock = FakeClock()
    paced, bare = Cadence(ThresholdDetector([RULE]), 1.0), ThresholdDetector([RULE])
    for errors in (0, 10, 10, 10, 0):
        s = sample(clock, errors)
        assert paced.observe(s) == bare.observe(s)
    assert paced.evaluations == 5
    assert paced.status()["pending_samples"] == 0


def test_jittered_ticks_a_little_early_are_still_on_time() -> None:
    clock = FakeClock()
    paced = Cadence(ThresholdDetector([RULE]), 1.0)
    judged = [len(paced.observe(sample(clock, 0, step=0.95))) for _ in range(6)]
    assert judged == [1] * 6


def test_a_longer_interval_holds_samples_and_judges_all_of_them_in_order() -> None:
    clock = FakeClock()
    paced = Cadence(ThresholdDetector([RULE]), 5.0)
    assert len(paced.observe(sample(clock, 0))) == 1  # the first sample of a service is judged at once
    first_at = clock.now()
    onset = None
    held = []
    for _ in range(3):
        s = sample(clock, 10)
        onset = onset or s.at
        held.append(paced.observe(s))
    assert held == [[], [], []]  # breaches arrive, nothing is judged yet
    assert paced.status()["pending_samples"] == 3
    assert paced.evaluate(clock.now()) == []  # 3 s since the last evaluation: not due
    clock.advance(2.0)
    signals = list(paced.evaluate(clock.now()))  # due on the tick: the three held samples, in order
    [alert] = firing(signals)
    assert (alert.severity, alert.onset_at, alert.at) == (Severity.WARNING, onset, first_at + 3)
    assert paced.status()["pending_samples"] == 0
    assert paced.status()["rules"][0]["streak"] == 3  # no sample was lost to the streak


def test_the_due_sample_triggers_its_own_evaluation() -> None:
    clock = FakeClock()
    paced = Cadence(ThresholdDetector([RULE]), 3.0)
    paced.observe(sample(clock, 0))
    assert paced.observe(sample(clock, 10)) == []
    assert paced.observe(sample(clock, 10)) == []
    signals = paced.observe(sample(clock, 10))  # 3 s on: this sample and the two held are judged
    assert [s.firing for s in signals] == [True]  # the first two still confirm, the third fires


def test_each_service_keeps_its_own_cadence() -> None:
    clock = FakeClock()
    rules = [RULE, ThresholdRule("orders.error_rate", "orders", "error_rate", 0.05, 0.15)]
    paced = Cadence(ThresholdDetector(rules), 1.0)
    for _ in range(3):
        now = clock.advance(1.0)
        for service in ("payments", "orders"):  # one tick ingests every service at the same time
            assert len(paced.observe(HealthSample(service, now, 100, 0))) == 1


def test_anomaly_streams_learn_from_every_held_sample() -> None:
    settings = DetectionSettings()
    bare, paced = zscore_monitor(settings, ["orders"]), Cadence(zscore_monitor(settings, ["orders"]), 10.0)
    clock = FakeClock()
    for i in range(25):
        s = HealthSample("orders", clock.advance(1.0), 100, i % 2, 20.0, 80.0 + i % 3)
        bare.observe(s)
        paced.observe(s)
    assert paced.status()["pending_samples"] == 4  # judged at 1, 11 and 21 s; 22-25 still held
    paced.evaluate(clock.advance(6.0))
    assert paced.status()["streams"] == bare.status()["streams"]


def test_other_observations_pass_straight_through() -> None:
    paced = Cadence(ProbeDetector.from_settings(DetectionSettings(), ["gateway"]), 60.0)
    assert paced.name == "synthetic"
    assert paced.observe(ProbeResult("gateway", True, 5.0, 200, 1.0)) != []


def test_the_registry_paces_thresholds_and_anomalies_by_their_settings() -> None:
    settings = DetectionSettings(threshold_check_interval=2.0, anomaly_check_interval=7.0)
    intervals = {d.name: d.status().get("check_interval") for d in build_detectors(settings, ["orders"])}
    assert intervals == {
        "threshold": 2.0,
        "zscore": 7.0,
        "isolation_forest": 7.0,
        "slo_burn": None,
        "synthetic": None,
    }


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(InvalidInputError) as err:
        Cadence(ThresholdDetector([RULE]), 0.0)
    assert err.value.field == "interval"


def test_unwrapped_reads_the_paced_detector_through_its_cadence() -> None:
    inner = ThresholdDetector([RULE])
    assert unwrapped(Cadence(inner, 5.0)) is inner
    assert unwrapped(Cadence(Cadence(inner, 5.0), 1.0)) is inner
    bare = ProbeDetector()
    assert unwrapped(bare) is bare
