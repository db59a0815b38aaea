"""The measured facts a maturity assessment rests on, read from the pillar engines' status dicts.

Rule of ``aref.maturity``: what is not measured cannot be claimed. A capability counts only
when the status shows it in place (rules, streams, SLOs, breakers, flags, runbooks), a
synthetic probe counts only once a probe result arrived, blast-radius containment only once an
open breaker actually stopped a spread, and adaptation latency only for adaptations that
answered a known alert. Drills and chaos verdicts are not recorded yet: they stay unmeasured
unless the caller passes them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from aref.config import ArefSettings
from aref.control.wire import AlertView, MaturityView
from aref.dashboard.measures import slo_statuses
from aref.maturity.assess import MaturityAssessor
from aref.maturity.criteria import MaturityContext, targets_from_settings
from aref.models import Incident, RecoveryTier
from aref.records import json_ready, to_record
from aref.recovery.runbook import Runbook
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, StepKindRegistry
from aref.scoring import RiskProfile, mttd, mttr
from aref.topology import DependencyGraph


@dataclass(frozen=True)
class PillarStatuses:
    """The five engines' ``status()`` dicts."""

    detection: Mapping[str, Any]
    absorption: Mapping[str, Any]
    adaptation: Mapping[str, Any]
    recovery: Mapping[str, Any]
    evolution: Mapping[str, Any]


def automated_tiers(runbooks: Iterable[Runbook], kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> frozenset[str]:
    """Tiers (``"T0"``...) that have runbooks and none of whose steps waits for a human approval."""
    tiers: dict[str, bool] = {}
    for runbook in runbooks:
        hands_free = all(not kinds.get(step.kind).needs_approval for step in runbook.steps)
        tiers[runbook.tier.name] = tiers.get(runbook.tier.name, True) and hands_free
    return frozenset(tier for tier, automated in tiers.items() if automated)


def maturity_context(
    statuses: PillarStatuses,
    *,
    incidents: Sequence[Incident],
    alerts: Sequence[AlertView],
    topology: DependencyGraph,
    settings: ArefSettings,
    automated: Collection[str] = frozenset(),
    days_since_last_drill: float | None = None,
    chaos_experiments_passed: int = 0,
) -> MaturityContext:
    return MaturityContext(
        **_detection(statuses.detection, incidents),
        **_absorption(statuses.absorption, topology),
        **_adaptation(statuses.adaptation, alerts),
        **_recovery(statuses.recovery, incidents, automated),
        **_evolution(statuses.evolution),
        days_since_last_drill=days_since_last_drill,
        chaos_experiments_passed=chaos_experiments_passed,
        **targets_from_settings(settings),
    )


def _detection(status: Mapping[str, Any], incidents: Sequence[Incident]) -> dict[str, Any]:
    detectors = status.get("detectors", {})
    slos = slo_statuses(status)
    probes = detectors.get("synthetic", {}).get("targets", [])
    streams = [
        *detectors.get("zscore", {}).get("streams", []),
        *detectors.get("isolation_forest", {}).get("streams", []),
    ]
    return {
        "has_threshold_rules": bool(detectors.get("threshold", {}).get("rules")),
        "has_synthetic_probes": any(t.get("last_at") is not None for t in probes),
        "has_slos": bool(slos),
        "has_anomaly_detection": bool(streams),
        "has_burn_rate_alerts": any(s.get("burn_rates") for s in slos),
        "mttd_seconds": mttd(incidents),
        "alert_to_action_ratio": status.get("fatigue", {}).get("alerts_per_action"),
    }


def _absorption(status: Mapping[str, Any], topology: DependencyGraph) -> dict[str, Any]:
    radii = status.get("blast_radius", {}).get("services", {}).values()
    measured = [r["contained_pct"] for r in radii if r.get("stopped_at")]
    return {
        "breakers_configured": len(status.get("breakers", {})),
        "dependency_edges": len(topology.edges),
        "has_bulkheads": bool(status.get("bulkheads")),
        "has_rate_limiters": bool(status.get("rate_limiters")),
        "has_degradation_tiers": bool(status.get("degradation")),
        "blast_radius_containment_pct": min(measured) if measured else None,
    }


def _adaptation(status: Mapping[str, Any], alerts: Sequence[AlertView]) -> dict[str, Any]:
    totals = status.get("totals", {})
    fired = {a["id"]: a["fired_at"] for a in alerts}
    latencies = [
        record["at"] - fired[record["alert_id"]]
        for record in status.get("adaptations", [])
        if record.get("alert_id") in fired and record["at"] >= fired[record["alert_id"]]
    ]
    return {
        "feature_flags": len(status.get("flags", {})),
        "has_traffic_shifting": bool(status.get("traffic")),
        "automated_scaling": bool(status.get("scaling")),
        "adaptations_executed": int(totals.get("decisions", 0)),
        "escalations_to_recovery": int(totals.get("escalations", 0)),
        "adaptation_latency_seconds": fmean(latencies) if latencies else None,
    }


def _recovery(status: Mapping[str, Any], incidents: Sequence[Incident], automated: Collection[str]) -> dict[str, Any]:
    recovered = [i.recovery_tier for i in incidents if i.recovery_tier is not None and i.resolved_at is not None]
    early = sum(tier <= RecoveryTier.T1 for tier in recovered)
    return {
        "runbooks": len(status.get("runbooks", [])),
        "t0_automated": "T0" in automated,
        "t1_automated": "T1" in automated,
        "mttr_seconds": mttr(incidents),
        "automated_resolution_pct": early / len(recovered) * 100.0 if recovered else None,
    }


def _evolution(status: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "reviews_generated": int(status.get("reviews", {}).get("total", 0)),
        "review_completion_pct": status.get("review_completion_pct"),
        "knowledge_entries": int(status.get("knowledge_base", {}).get("entries", 0)),
        "action_completion_rate_pct": status.get("actions", {}).get("completion_rate_pct"),
        "recurrence_rate_pct": status.get("recurrence", {}).get("rate_pct"),
        "improvement_velocity": int(status.get("improvement_velocity", {}).get("completed", 0)),
    }


def maturity_view(
    statuses: PillarStatuses,
    *,
    incidents: Sequence[Incident],
    alerts: Sequence[AlertView],
    topology: DependencyGraph,
    settings: ArefSettings,
    automated: Collection[str],
    profile: RiskProfile,
) -> MaturityView:
    """The maturity assessment under ``profile``, with the measured facts it rests on."""
    context = maturity_context(
        statuses, incidents=incidents, alerts=alerts, topology=topology, settings=settings, automated=automated
    )
    assessment = MaturityAssessor(profile=profile).assess(context)
    view: MaturityView = json_ready({**assessment.to_dict(), "facts": to_record(context)})
    return view
