"""Maturity from evidence: criteria turn true only after the run that proves them, decay after
the maximum age, and a failed experiment never raises a level (``aref.maturity.runs``)."""

from __future__ import annotations

from typing import Any

from aref.adaptation.facts import AdaptationFacts
from aref.config import ArefSettings, MaturitySettings, load_settings
from aref.detection.alerts import Alert
from aref.events import Severity
from aref.maturity.assess import MaturityAssessor
from aref.maturity.facts import PillarFacts, maturity_context
from aref.models import DetectionClass, Incident, IncidentSeverity, Pillar
from aref.testing import FakeClock
from aref.topology import DEMO_TOPOLOGY

DAY = 86400.0
T0 = 1_700_000_000.0
SETTINGS: ArefSettings = load_settings().model_copy(update={"maturity": MaturitySettings(evidence_max_age_days=30)})
FACTS = PillarFacts(adaptation=AdaptationFacts(feature_flags=3, has_traffic_shifting=True, automated_scaling=True))


def run(run_id: str, start: float, *, passed: bool, restored: bool = True, cid: str | None = None) -> dict[str, Any]:
    return {
        "id": run_id,
        "experiment": "payment_provider_failure",
        "passed": passed,
        "started_at": start,
        "injected_at": start + 5,
        "ended_at": start + 60,
        "fault_window": [start + 5, start + 50],
        "correlation_id": cid,
        "incident_correlation_id": None,
        "steady_state_after": {"ok": restored},
    }


def assess(now: float, runs: list[dict[str, Any]], facts: PillarFacts = FACTS, **kw: Any) -> Any:
    context = maturity_context(
        facts,
        incidents=kw.get("incidents", []),
        alerts=kw.get("alerts", []),
        topology=DEMO_TOPOLOGY,
        settings=SETTINGS,
        now=now,
        runs=runs,
    )
    return MaturityAssessor().assess(context)


def verdict(assessment: Any, pillar: Pillar, criterion_id: str) -> dict[str, Any]:
    view = assessment.pillars[pillar].to_dict()
    return next(c for c in view["criteria"] if c["id"] == criterion_id)


def test_chaos_verified_turns_true_after_the_passed_run_and_decays_after_the_max_age() -> None:
    clock = FakeClock(T0)
    runs: list[dict[str, Any]] = []
    before = verdict(assess(clock.now(), runs), Pillar.ABSORPTION, "absorption.chaos_verified")
    assert (before["holds"], before["reason"]) == (False, "no passed chaos experiment recorded")
    runs.append(run("RUN-1", clock.now(), passed=True))
    clock.advance(120)
    after = verdict(assess(clock.now(), runs), Pillar.ABSORPTION, "absorption.chaos_verified")
    assert after["holds"] is True
    assert [(e["kind"], e["ref"], e["at"]) for e in after["evidence"]] == [("run", "RUN-1", T0 + 60)]
    clock.advance(30 * DAY)  # the run ended 30 days and 60 s ago: older than the max age
    decayed = verdict(assess(clock.now(), runs), Pillar.ABSORPTION, "absorption.chaos_verified")
    assert (decayed["holds"], decayed["evidence"]) == (False, [])


def test_a_drill_is_a_passed_run_that_restored_the_steady_state() -> None:
    now = T0 + 100
    unrestored = verdict(
        assess(now, [run("RUN-1", T0, passed=True, restored=False)]), Pillar.RECOVERY, "recovery.drills"
    )
    assert unrestored["holds"] is False
    drilled = verdict(assess(now, [run("RUN-2", T0, passed=True)]), Pillar.RECOVERY, "recovery.drills")
    assert [(e["kind"], e["ref"]) for e in drilled["evidence"]] == [("drill", "RUN-2")]


def test_a_failed_run_is_no_credit_and_nothing_it_caused_counts() -> None:
    alert = Alert(  # fired inside the failed run's window; adaptation answered it right after
        id="ALR-1",
        fingerprint="payments:error_rate",
        service="payments",
        metric="error_rate",
        detector="threshold",
        detection_class=DetectionClass.THRESHOLD,
        severity=Severity.CRITICAL,
        value=0.9,
        threshold=0.1,
        onset_at=T0 + 10,
        fired_at=T0 + 20,
        last_seen=T0 + 20,
        correlation_id="COR-1",
    )
    facts = PillarFacts(
        adaptation=AdaptationFacts(
            feature_flags=3, has_traffic_shifting=True, automated_scaling=True, adaptations=(("ALR-1", T0 + 25),)
        )
    )
    incident = Incident(
        id="INC-1",
        title="payments errors",
        service="payments",
        severity=IncidentSeverity.SEV2,
        onset_at=T0 + 10,
        correlation_id="COR-1",
        detected_at=T0 + 20,
        resolved_at=T0 + 200,
    )
    alerts = [alert]
    before = assess(T0 - 1, [], facts=PillarFacts(adaptation=FACTS.adaptation))
    after = assess(T0 + 300, [run("RUN-F", T0, passed=False)], facts=facts, incidents=[incident], alerts=alerts)
    assert all(after.levels[p] <= before.levels[p] for p in Pillar)
    assert after.crs <= before.crs
    assert verdict(after, Pillar.ADAPTATION, "adaptation.adaptations_executed")["evidence"] == []
    assert verdict(after, Pillar.DETECTION, "detection.mttd_target")["reason"] == "no MTTD (s) measured"
    assert verdict(after, Pillar.ABSORPTION, "absorption.chaos_verified")["holds"] is False
    # the same adaptation and incident outside any failed run are evidence
    clean = assess(T0 + 300, [], facts=facts, incidents=[incident], alerts=alerts)
    assert [e["ref"] for e in verdict(clean, Pillar.ADAPTATION, "adaptation.adaptations_executed")["evidence"]] == [
        "ALR-1"
    ]
    assert verdict(clean, Pillar.DETECTION, "detection.mttd_target")["holds"] is True


def test_a_review_of_an_incident_a_failed_run_caused_is_no_evidence() -> None:
    from aref.evolution.facts import EvolutionFacts

    facts = PillarFacts(evolution=EvolutionFacts(reviews=1, reviewed=(("PIR-INC-1", "INC-1", "COR-F", T0 + 900),)))
    failed = assess(T0 + 1000, [run("RUN-F", T0, passed=False, cid="COR-F")], facts=facts)
    assert verdict(failed, Pillar.EVOLUTION, "evolution.reviews")["holds"] is False
    passed = assess(T0 + 1000, [run("RUN-P", T0, passed=True, cid="COR-F")], facts=facts)
    assert verdict(passed, Pillar.EVOLUTION, "evolution.reviews")["holds"] is True


def test_seeded_reviews_never_count() -> None:
    from aref.evolution.facts import EvolutionFacts

    facts = PillarFacts(
        evolution=EvolutionFacts(reviewed=(("PIR-INC-SEED-0001", "INC-SEED-0001", "COR-SEED-0001", T0),))
    )
    assert verdict(assess(T0 + 10, [], facts=facts), Pillar.EVOLUTION, "evolution.reviews")["holds"] is False


def test_guard_chain_criteria_need_a_replica_report_on_every_called_edge() -> None:
    from aref.absorption.facts import AbsorptionFacts

    edges = DEMO_TOPOLOGY.edge_names()
    some = AbsorptionFacts(breaker_edges=edges, guard_reports=((edges[0], "r-1", T0),))
    partial = verdict(assess(T0 + 1, [], facts=PillarFacts(absorption=some)), Pillar.ABSORPTION, "absorption.bulkheads")
    assert partial["holds"] is False
    assert "gateway->payments" in partial["reason"]
    every = AbsorptionFacts(breaker_edges=edges, guard_reports=tuple((e, "r-1", T0) for e in edges))
    full = verdict(
        assess(T0 + 1, [], facts=PillarFacts(absorption=every)), Pillar.ABSORPTION, "absorption.rate_limiters"
    )
    assert [e["ref"] for e in full["evidence"]] == list(edges)
