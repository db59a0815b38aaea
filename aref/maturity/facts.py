"""The measured facts a maturity assessment rests on, built from the engines' typed facts.

Rule of ``aref.maturity``: what is not measured cannot be claimed. A capability counts only
when an engine shows it in place (rules, streams, SLOs, breakers, flags, runbooks), a synthetic
probe counts only once a probe result arrived, blast-radius containment only once an open
breaker actually stopped a spread, and adaptation latency only for adaptations that answered
a known alert. MTTD, MTTR and the share of incidents recovered at T0/T1 come from the incidents
given. Drills and chaos verdicts are not recorded yet: they stay unmeasured unless the caller
passes them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from aref.absorption.facts import AbsorptionFacts
from aref.adaptation.facts import AdaptationFacts
from aref.config import ArefSettings
from aref.detection.alerts import Alert
from aref.detection.facts import DetectionFacts
from aref.evolution.facts import EvolutionFacts
from aref.maturity.criteria import MaturityContext, targets_from_settings
from aref.models import Incident, RecoveryTier
from aref.recovery.facts import RecoveryFacts
from aref.recovery.runbook import Runbook
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, StepKindRegistry
from aref.scoring import mttd, mttr
from aref.topology import DependencyGraph


@dataclass(frozen=True)
class PillarFacts:
    """The five engines' ``facts()``; the defaults describe engines with nothing in place."""

    detection: DetectionFacts = field(default_factory=DetectionFacts)
    absorption: AbsorptionFacts = field(default_factory=AbsorptionFacts)
    adaptation: AdaptationFacts = field(default_factory=AdaptationFacts)
    recovery: RecoveryFacts = field(default_factory=RecoveryFacts)
    evolution: EvolutionFacts = field(default_factory=EvolutionFacts)


def automated_tiers(runbooks: Iterable[Runbook], kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> frozenset[str]:
    """Tiers (``"T0"``...) that have runbooks and none of whose steps waits for a human approval."""
    tiers: dict[str, bool] = {}
    for runbook in runbooks:
        hands_free = all(not kinds.get(step.kind).needs_approval for step in runbook.steps)
        tiers[runbook.tier.name] = tiers.get(runbook.tier.name, True) and hands_free
    return frozenset(tier for tier, automated in tiers.items() if automated)


def maturity_context(
    facts: PillarFacts,
    *,
    incidents: Sequence[Incident],
    alerts: Sequence[Alert],
    topology: DependencyGraph,
    settings: ArefSettings,
    automated: Collection[str] = frozenset(),
    days_since_last_drill: float | None = None,
    chaos_experiments_passed: int = 0,
) -> MaturityContext:
    """The maturity context: the engines' facts, the incidents' times and the settings' targets.

    ``alerts`` give the fire times adaptation latency is measured from; ``automated`` names the
    tiers that run hands-free (``automated_tiers``).
    """
    detection, absorption, adaptation, evolution = facts.detection, facts.absorption, facts.adaptation, facts.evolution
    fired = {alert.id: alert.fired_at for alert in alerts}
    return MaturityContext(
        has_threshold_rules=detection.has_threshold_rules,
        has_synthetic_probes=detection.has_synthetic_probes,
        has_slos=detection.has_slos,
        has_anomaly_detection=detection.has_anomaly_detection,
        has_burn_rate_alerts=detection.has_burn_rate_alerts,
        mttd_seconds=mttd(incidents),
        alert_to_action_ratio=detection.alerts_per_action,
        breakers_configured=absorption.breakers_configured,
        dependency_edges=len(topology.edges),
        has_bulkheads=absorption.has_bulkheads,
        has_rate_limiters=absorption.has_rate_limiters,
        has_degradation_tiers=absorption.has_degradation_tiers,
        blast_radius_containment_pct=absorption.blast_radius_containment_pct,
        feature_flags=adaptation.feature_flags,
        has_traffic_shifting=adaptation.has_traffic_shifting,
        automated_scaling=adaptation.automated_scaling,
        adaptations_executed=adaptation.decisions,
        escalations_to_recovery=adaptation.escalations,
        adaptation_latency_seconds=adaptation.latency_seconds(fired),
        runbooks=facts.recovery.runbooks,
        t0_automated="T0" in automated,
        t1_automated="T1" in automated,
        mttr_seconds=mttr(incidents),
        automated_resolution_pct=_early_resolution_pct(incidents),
        reviews_generated=evolution.reviews,
        review_completion_pct=evolution.review_completion_pct,
        knowledge_entries=evolution.knowledge_entries,
        action_completion_rate_pct=evolution.action_completion_rate_pct,
        recurrence_rate_pct=evolution.recurrence_rate_pct,
        improvement_velocity=evolution.improvement_velocity,
        days_since_last_drill=days_since_last_drill,
        chaos_experiments_passed=chaos_experiments_passed,
        **targets_from_settings(settings),
    )


def _early_resolution_pct(incidents: Sequence[Incident]) -> float | None:
    """Percent of resolved incidents with a recovery tier that were recovered at T0 or T1."""
    recovered = [i.recovery_tier for i in incidents if i.recovery_tier is not None and i.resolved_at is not None]
    early = sum(tier <= RecoveryTier.T1 for tier in recovered)
    return early / len(recovered) * 100.0 if recovered else None
