"""Maturity facts read from engine status dicts: only what is measured is claimed."""

from __future__ import annotations

from typing import Any

from aref.dashboard.facts import PillarStatuses, automated_tiers, maturity_context
from aref.dashboard.local import LocalControlPlane
from aref.dashboard.views import alert_view
from aref.maturity.criteria import MaturityContext
from aref.models import Incident, IncidentSeverity, RecoveryTier
from aref.recovery.defaults import default_runbooks
from aref.recovery.runbook import Runbook, RunbookStep
from aref.topology import DEMO_TOPOLOGY
from tests.unit.dashboard.conftest import make_settings


def context(**statuses: dict[str, Any]) -> MaturityContext:
    empty: dict[str, Any] = {}
    return maturity_context(
        PillarStatuses(
            statuses.get("detection", empty),
            statuses.get("absorption", empty),
            statuses.get("adaptation", empty),
            statuses.get("recovery", empty),
            statuses.get("evolution", empty),
        ),
        incidents=[],
        alerts=[],
        topology=DEMO_TOPOLOGY,
        settings=make_settings(),
    )


def test_empty_statuses_claim_nothing() -> None:
    facts = context()
    assert facts == MaturityContext(dependency_edges=len(DEMO_TOPOLOGY.edges))


def test_the_real_engines_at_rest(plane: LocalControlPlane) -> None:
    facts = plane.runtime.engines
    ctx = maturity_context(
        facts.statuses(),
        incidents=[],
        alerts=[],
        topology=DEMO_TOPOLOGY,
        settings=make_settings(),
        automated=automated_tiers(default_runbooks()),
    )
    assert (ctx.has_threshold_rules, ctx.has_slos, ctx.has_anomaly_detection, ctx.has_burn_rate_alerts) == (
        True,
        True,
        True,
        True,
    )
    assert ctx.has_synthetic_probes is False  # probe targets exist, but no probe ran
    assert (ctx.breakers_configured, ctx.dependency_edges, ctx.blast_radius_containment_pct) == (12, 12, None)
    assert (ctx.feature_flags, ctx.has_traffic_shifting, ctx.adaptations_executed) == (30, True, 0)
    assert (ctx.runbooks, ctx.t0_automated, ctx.t1_automated) == (3, True, True)
    assert (ctx.reviews_generated, ctx.mttd_seconds, ctx.mttr_seconds) == (0, None, None)


def test_containment_is_measured_only_where_a_breaker_stopped_a_spread() -> None:
    radii = {
        "payments": {"contained_pct": 50.0, "stopped_at": ["orders->payments"]},
        "inventory": {"contained_pct": 20.0, "stopped_at": []},
        "redis": {"contained_pct": 80.0, "stopped_at": ["payments->redis"]},
    }
    assert context(absorption={"blast_radius": {"services": radii}}).blast_radius_containment_pct == 50.0


def test_adaptation_latency_is_measured_from_the_alert_it_answered() -> None:
    fired = alert_view(
        {
            "id": "ALR-1",
            "fingerprint": "f",
            "service": "orders",
            "metric": "error_rate",
            "detector": "threshold",
            "detection_class": "threshold",
            "severity": "critical",
            "value": 1.0,
            "threshold": 0.1,
            "onset_at": 0.0,
            "fired_at": 100.0,
            "last_seen": 100.0,
            "correlation_id": "C",
            "count": 1,
            "acked_at": None,
            "resolved_at": None,
            "actioned_at": None,
        }
    )
    adaptation = {
        "totals": {"decisions": 3, "escalations": 1},
        "adaptations": [
            {"alert_id": "ALR-1", "at": 104.0},
            {"alert_id": "ALR-1", "at": 110.0},
            {"alert_id": None, "at": 105.0},
            {"alert_id": "ALR-unknown", "at": 200.0},
        ],
    }
    ctx = maturity_context(
        PillarStatuses({}, {}, adaptation, {}, {}),
        incidents=[],
        alerts=[fired],
        topology=DEMO_TOPOLOGY,
        settings=make_settings(),
    )
    assert (ctx.adaptation_latency_seconds, ctx.adaptations_executed, ctx.escalations_to_recovery) == (7.0, 3, 1)


def test_recovery_and_evolution_facts() -> None:
    def incident(tier: RecoveryTier | None, resolved: float | None) -> Incident:
        return Incident(
            "I", "t", "s", IncidentSeverity.SEV1, 0.0, "C", detected_at=10.0, resolved_at=resolved, recovery_tier=tier
        )

    incidents = [incident(RecoveryTier.T0, 100.0), incident(RecoveryTier.T2, 200.0), incident(None, 50.0)]
    evolution = {
        "reviews": {"total": 2},
        "review_completion_pct": 100.0,
        "knowledge_base": {"entries": 2},
        "actions": {"completion_rate_pct": 90.0},
        "recurrence": {"rate_pct": 0.0},
        "improvement_velocity": {"completed": 8},
    }
    ctx = maturity_context(
        PillarStatuses({}, {}, {}, {"runbooks": [{}, {}]}, evolution),
        incidents=incidents,
        alerts=[],
        topology=DEMO_TOPOLOGY,
        settings=make_settings(),
        automated={"T0"},
        days_since_last_drill=3.0,
    )
    assert (ctx.runbooks, ctx.t0_automated, ctx.t1_automated, ctx.automated_resolution_pct) == (2, True, False, 50.0)
    assert (ctx.mttd_seconds, ctx.mttr_seconds, ctx.days_since_last_drill) == (10.0, 350.0 / 3, 3.0)
    assert (ctx.reviews_generated, ctx.knowledge_entries, ctx.improvement_velocity) == (2, 2, 8)
    assert (ctx.action_completion_rate_pct, ctx.recurrence_rate_pct, ctx.review_completion_pct) == (90.0, 0.0, 100.0)


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
