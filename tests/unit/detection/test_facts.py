"""DetectionEngine.facts(): what detection has in place, as measured, and recent_resolved()."""

from __future__ import annotations

from collections.abc import Sequence

from aref.config import DetectionSettings
from aref.detection.engine import RECENT_RESOLVED, DetectionEngine
from aref.detection.facts import DetectionFacts
from aref.detection.probes import ProbeResult
from aref.detection.registry import build_detectors
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


def test_the_facts_read_detector_statuses_by_name_with_their_truthiness() -> None:
    facts = DetectionFacts.from_detectors(
        {
            "threshold": {"rules": []},
            "synthetic": {"targets": [{"last_at": None}, {"last_at": 0.0}]},
            "slo_burn": {"slos": [{"burn_rates": []}]},
            "custom": {"streams": [{}]},
        },
        alerts_per_action=3.0,
    )
    assert facts == DetectionFacts(
        has_threshold_rules=False,
        has_synthetic_probes=True,  # a probe at t=0 reported
        has_slos=True,
        has_anomaly_detection=False,  # streams count only under the anomaly detectors' names
        has_burn_rate_alerts=False,
        alerts_per_action=3.0,
    )
    assert DetectionFacts.from_detectors({}, alerts_per_action=None) == DetectionFacts()


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
