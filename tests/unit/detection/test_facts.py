"""DetectionEngine.facts(): what detection has in place, as measured, and recent_resolved()."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aref.config import DetectionSettings
from aref.detection.anomaly import AnomalyMonitor
from aref.detection.cadence import Cadence
from aref.detection.detector import Signal
from aref.detection.engine import RECENT_RESOLVED, DetectionEngine
from aref.detection.facts import DetectionFacts, measured_facts
from aref.detection.isolation import IsolationForestDetector
from aref.detection.probes import ProbeDetector, ProbeResult
from aref.detection.registry import build_detectors
from aref.detection.slo import SLO, SloDetector, SloTracker
from aref.detection.thresholds import ThresholdDetector
from aref.models import HealthSample
from aref.records import to_record
from aref.testing import EventCapture, FakeClock
from aref.topology import SERVICES

SETTINGS = DetectionSettings()


def engine(clock: FakeClock, kinds: Sequence[str] | None = None) -> DetectionEngine:
    detectors = None if kinds is None else build_detectors(SETTINGS, SERVICES, kinds)
    return DetectionEngine(SETTINGS, clock, EventCapture(), detectors=detectors)


def breach(eng: DetectionEngine, clock: FakeClock, errors: int, service: str = "payments") -> None:
    eng.ingest(HealthSample(service, clock.advance(1.0), 100, errors, 20.0, 80.0))


def test_every_registered_detector_is_in_place_but_no_probe_reported() -> None:
    facts = engine(FakeClock()).facts()
    assert facts == DetectionFacts(
        has_threshold_rules=True,
        has_synthetic_probes=False,
        has_slos=True,
        has_anomaly_detection=True,
        has_burn_rate_alerts=True,
        alerts_per_action=None,
    )


def test_a_probe_result_makes_synthetic_probing_measured() -> None:
    clock = FakeClock()
    eng = engine(clock)
    eng.ingest_probe(ProbeResult("payments", True, 12.0, 200, clock.now()))
    assert eng.facts().has_synthetic_probes is True


def test_only_the_detectors_present_count() -> None:
    facts = engine(FakeClock(), ["threshold"]).facts()
    assert (facts.has_threshold_rules, facts.has_slos, facts.has_anomaly_detection) == (True, False, False)
    assert (facts.has_burn_rate_alerts, facts.has_synthetic_probes) == (False, False)
    assert engine(FakeClock(), ["isolation_forest"]).facts().has_anomaly_detection is True


def test_alerts_per_action_follow_the_actioned_alerts() -> None:
    clock = FakeClock()
    eng = engine(clock, ["threshold"])
    for service in ("payments", "orders"):
        for _ in range(SETTINGS.confirmations):
            breach(eng, clock, errors=50, service=service)
    alerts = eng.active_alerts()
    assert len(alerts) == 2
    assert eng.facts().alerts_per_action is None  # nothing actioned yet
    eng.mark_actioned(alerts[0].id)
    assert eng.facts().alerts_per_action == 2.0


class StreamsByName:
    """Not an anomaly monitor, though named like one and listing streams in its status."""

    name = "zscore"

    def observe(self, observation: object) -> Sequence[Signal]:
        return []

    def evaluate(self, now: float) -> Sequence[Signal]:
        return []

    def status(self) -> dict[str, Any]:
        return {"streams": [{}]}


def test_the_facts_read_the_detectors_by_type_through_their_accessors() -> None:
    probes = ProbeDetector(targets=["payments", "orders"])
    probes.observe(ProbeResult("orders", True, 5.0, 200, 0.0))
    facts = measured_facts(
        [
            Cadence(ThresholdDetector([]), 5.0),
            probes,
            SloDetector([SloTracker(SLO("payments.availability", "payments", 0.999))]),
            Cadence(AnomalyMonitor("isolation_forest", [], lambda _spec: IsolationForestDetector()), 5.0),
            StreamsByName(),
        ],
        alerts_per_action=3.0,
    )
    assert facts == DetectionFacts(
        has_threshold_rules=False,  # a threshold detector without rules
        has_synthetic_probes=True,  # a probe at t=0 reported
        has_slos=True,
        has_anomaly_detection=False,  # a monitor without streams; a name with a streams status is no monitor
        has_burn_rate_alerts=True,  # every SLO tracker alerts on its burn-rate policies
        alerts_per_action=3.0,
    )
    assert measured_facts([], alerts_per_action=None) == DetectionFacts()


def test_the_registered_detectors_count_through_their_cadence() -> None:
    every = build_detectors(SETTINGS, SERVICES)
    assert {d.name for d in every if isinstance(d, Cadence)} == {"threshold", "zscore", "isolation_forest"}
    for kind in ("zscore", "isolation_forest"):
        assert measured_facts(build_detectors(SETTINGS, SERVICES, [kind]), alerts_per_action=None) == DetectionFacts(
            has_anomaly_detection=True
        )
    assert measured_facts(build_detectors(SETTINGS, SERVICES, ["slo_burn"]), alerts_per_action=None) == (
        DetectionFacts(has_slos=True, has_burn_rate_alerts=True)
    )


def test_recent_resolved_lists_what_status_lists_newest_first() -> None:
    clock = FakeClock()
    eng = engine(clock, ["threshold"])
    assert eng.recent_resolved() == []
    for service in ("payments", "orders"):
        for _ in range(SETTINGS.confirmations):
            breach(eng, clock, errors=50, service=service)
    first, second = eng.active_alerts()
    eng.resolve(first.id)
    clock.advance(1.0)
    eng.resolve(second.id)
    resolved = eng.recent_resolved()
    assert [a.id for a in resolved] == [second.id, first.id]
    assert all(a.resolved_at is not None for a in resolved)
    assert [to_record(a) for a in resolved] == eng.status()["recent_resolved"]


def test_recent_resolved_is_bounded() -> None:
    clock = FakeClock()
    eng = engine(clock, ["threshold"])
    ids: list[str] = []
    while len(ids) < RECENT_RESOLVED + 3:
        breach(eng, clock, errors=50)
        for alert in eng.active_alerts():
            ids.append(eng.resolve(alert.id).id)
    assert [a.id for a in eng.recent_resolved()] == ids[::-1][:RECENT_RESOLVED]
