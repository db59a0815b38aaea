"""Maturity facts from the engines' typed facts: only what is measured is claimed."""

from __future__ import annotations

from aref.absorption.blast_radius import BlastRadius
from aref.absorption.engine import AbsorptionEngine
from aref.absorption.facts import AbsorptionFacts, measured_containment
from aref.adaptation.engine import AdaptationEngine
from aref.adaptation.facts import AdaptationFacts
from aref.config import ArefSettings
from aref.detection.alerts import Alert
from aref.detection.engine import DetectionEngine
from aref.detection.facts import DetectionFacts
from aref.events import Severity
from aref.evolution.engine import EvolutionEngine
from aref.evolution.facts import EvolutionFacts
from aref.maturity.criteria import MaturityContext, targets_from_settings
from aref.maturity.facts import PillarFacts, automated_tiers, maturity_context
from aref.models import DetectionClass, Incident, IncidentSeverity, RecoveryTier
from aref.recovery.defaults import default_runbooks
from aref.recovery.engine import RecoveryEngine
from aref.recovery.facts import PerformedRun, RecoveryFacts
from aref.recovery.runbook import Runbook, RunbookStep
from aref.testing import EventCapture, FakeClock, MemoryStore
from aref.topology import DEMO_TOPOLOGY

SETTINGS = ArefSettings()


NOW = 1000.0


def context(
    facts: PillarFacts | None = None,
    *,
    incidents: list[Incident] | None = None,
    alerts: list[Alert] | None = None,
    automated: frozenset[str] = frozenset(),
) -> MaturityContext:
    return maturity_context(
        facts or PillarFacts(),
        incidents=incidents or [],
        alerts=alerts or [],
        topology=DEMO_TOPOLOGY,
        settings=SETTINGS,
        automated=automated,
        now=NOW,
    )


def alert(alert_id: str, fired_at: float) -> Alert:
    return Alert(
        id=alert_id,
        fingerprint="f",
        service="orders",
        metric="error_rate",
        detector="threshold",
        detection_class=DetectionClass.THRESHOLD,
        severity=Severity.CRITICAL,
        value=1.0,
        threshold=0.1,
        onset_at=0.0,
        fired_at=fired_at,
        last_seen=fired_at,
        correlation_id="C",
    )


def test_no_facts_claim_nothing() -> None:
    expected = MaturityContext(called_edges=DEMO_TOPOLOGY.edge_names(), **targets_from_settings(SETTINGS))
    assert context() == expected


def test_the_settings_give_the_targets() -> None:
    settings = ArefSettings(detection={"mttd_target_seconds": 42.0})
    ctx = maturity_context(PillarFacts(), incidents=[], alerts=[], topology=DEMO_TOPOLOGY, settings=settings, now=NOW)
    assert ctx.mttd_target_seconds == 42.0


def test_the_real_engines_at_rest() -> None:
    clock, sink, store = FakeClock(), EventCapture(), MemoryStore()
    facts = PillarFacts(
        DetectionEngine(SETTINGS.detection, clock, sink, store).facts(),
        AbsorptionEngine(SETTINGS.absorption, clock, sink, store).facts(),
        AdaptationEngine(SETTINGS.adaptation, clock, sink, store).facts(),
        RecoveryEngine(SETTINGS.recovery, clock, sink, store).facts(),
        EvolutionEngine(SETTINGS.evolution, clock, sink, store).facts(),
    )
    ctx = context(facts, automated=automated_tiers(default_runbooks()))
    assert (ctx.has_threshold_rules, ctx.has_slos, ctx.has_anomaly_detection, ctx.has_burn_rate_alerts) == (
        True,
        True,
        True,
        True,
    )
    assert ctx.has_synthetic_probes is False  # probe targets may exist, but no probe ran
    assert ctx.alert_to_action_ratio is None
    assert (ctx.breaker_edges, ctx.called_edges) == (DEMO_TOPOLOGY.edge_names(), DEMO_TOPOLOGY.edge_names())
    assert (ctx.blast_radius_containment_pct, ctx.guard_reports, ctx.has_degradation_tiers) == (None, (), True)
    assert (ctx.feature_flags, ctx.has_traffic_shifting, ctx.automated_scaling, ctx.adaptations) == (14, True, True, ())
    assert (ctx.runbooks, ctx.t0_automated, ctx.t1_automated) == (3, False, False)  # hands-free, never performed
    assert (ctx.reviews, ctx.mttd_seconds, ctx.mttr_seconds) == ((), None, None)
    assert (ctx.review_completion_pct, ctx.recurrence_rate_pct, ctx.action_completion_rate_pct) == (None, None, None)


def test_detection_and_absorption_facts_are_claimed_as_measured() -> None:
    detection = DetectionFacts(
        has_threshold_rules=True,
        has_synthetic_probes=True,
        has_slos=True,
        has_anomaly_detection=False,
        has_burn_rate_alerts=True,
        alerts_per_action=2.5,
    )
    absorption = AbsorptionFacts(breakers_configured=1, breaker_edges=("gateway->orders",), has_degradation_tiers=True)
    ctx = context(PillarFacts(detection=detection, absorption=absorption))
    assert (ctx.has_threshold_rules, ctx.has_synthetic_probes, ctx.has_slos) == (True, True, True)
    assert (ctx.has_anomaly_detection, ctx.has_burn_rate_alerts, ctx.alert_to_action_ratio) == (False, True, 2.5)
    assert (ctx.breaker_edges, ctx.called_edges) == (("gateway->orders",), DEMO_TOPOLOGY.edge_names())
    assert (ctx.guard_reports, ctx.has_degradation_tiers) == ((), True)


def test_containment_is_measured_only_where_a_breaker_stopped_a_spread() -> None:
    radii = [
        BlastRadius("payments", ("gateway", "orders"), ("orders",), ("orders->payments",), 2),  # 50% contained
        BlastRadius("inventory", (), ("a", "b", "c", "d"), (), 5),  # 20%, but no breaker stopped anything
        BlastRadius("redis", (), ("a",), ("payments->redis",), 5),  # 80%
    ]
    pct = measured_containment(radii)
    assert pct == 50.0
    ctx = context(PillarFacts(absorption=AbsorptionFacts(blast_radius_containment_pct=pct)))
    assert ctx.blast_radius_containment_pct == 50.0
    assert measured_containment(radii[1:2]) is None
    assert measured_containment([BlastRadius("x", (), ("a",), ("y->x",), 3)]) == 66.67  # rounded to 2 places


def test_adaptation_latency_is_measured_from_the_alert_it_answered() -> None:
    adaptation = AdaptationFacts(
        decisions=3,
        escalations=1,
        adaptations=(("ALR-1", 104.0), ("ALR-1", 110.0), ("ALR-1", 90.0), ("ALR-unknown", 200.0)),
    )
    ctx = context(PillarFacts(adaptation=adaptation), alerts=[alert("ALR-1", 100.0)])
    assert (ctx.adaptation_latency_seconds, len(ctx.adaptations), ctx.escalations_to_recovery) == (7.0, 4, 1)
    assert context(PillarFacts(adaptation=adaptation)).adaptation_latency_seconds is None  # no known alert


def test_adaptation_capabilities_carry_over() -> None:
    adaptation = AdaptationFacts(feature_flags=5, has_traffic_shifting=True, automated_scaling=False)
    ctx = context(PillarFacts(adaptation=adaptation))
    assert (ctx.feature_flags, ctx.has_traffic_shifting, ctx.automated_scaling) == (5, True, False)


def test_recovery_and_evolution_facts() -> None:
    def incident(tier: RecoveryTier | None, resolved: float | None) -> Incident:
        return Incident(
            "I", "t", "s", IncidentSeverity.SEV1, 0.0, "C", detected_at=10.0, resolved_at=resolved, recovery_tier=tier
        )

    incidents = [incident(RecoveryTier.T0, 100.0), incident(RecoveryTier.T2, 200.0), incident(None, 50.0)]
    evolution = EvolutionFacts(
        reviews=2,
        review_completion_pct=100.0,
        knowledge_entries=2,
        action_completion_rate_pct=90.0,
        recurrence_rate_pct=0.0,
        improvement_velocity=8,
    )
    performed = (
        PerformedRun("T0", "REC-1", "t0", 900.0, "C1"),
        PerformedRun("T1", "REC-1", "t1", 950.0, "C1"),
    )
    ctx = context(
        PillarFacts(recovery=RecoveryFacts(runbooks=2, performed=performed), evolution=evolution),
        incidents=incidents,
        automated=frozenset({"T0"}),
    )
    assert (ctx.runbooks, ctx.t0_automated, ctx.t1_automated, ctx.automated_resolution_pct) == (2, True, False, 50.0)
    assert [e.ref for e in ctx.recovery_runs] == ["T0 REC-1", "T1 REC-1"]
    assert (ctx.mttd_seconds, ctx.mttr_seconds, ctx.drills) == (10.0, 350.0 / 3, ())
    assert (ctx.reviews, ctx.knowledge_entries, ctx.improvement_velocity) == ((), 2, 8)  # no review listed
    assert (ctx.action_completion_rate_pct, ctx.recurrence_rate_pct, ctx.review_completion_pct) == (90.0, 0.0, 100.0)


def test_unresolved_incidents_say_nothing_about_automated_resolution() -> None:
    open_incident = Incident("I", "t", "s", IncidentSeverity.SEV1, 0.0, "C", recovery_tier=RecoveryTier.T0)
    assert context(incidents=[open_incident]).automated_resolution_pct is None


def test_a_tier_with_an_approval_step_is_not_automated() -> None:
    def book(name: str, tier: RecoveryTier, kind: str) -> Runbook:
        return Runbook(name, tier, (RunbookStep("s", kind, "a.b", 10.0),))

    tiers = automated_tiers(
        [
            book("t0", RecoveryTier.T0, "automated"),
            book("t1a", RecoveryTier.T1, "verify"),
            book("t1b", RecoveryTier.T1, "needs_approval"),
            book("t2", RecoveryTier.T2, "needs_approval"),
        ]
    )
    assert tiers == frozenset({"T0"})
