"""The measured facts a maturity assessment rests on, built from the engines' typed facts.

Rule of ``aref.maturity``: what is not measured cannot be claimed. A capability counts only
when an engine shows it in place (rules, streams, SLOs, breakers, flags, runbooks), a synthetic
probe counts only once a probe result arrived, blast-radius containment only once an open
breaker actually stopped a spread, and adaptation latency only for adaptations that answered
a known alert. MTTD, MTTR and the share of incidents recovered at T0/T1 come from the incidents
given. Chaos verdicts and drills come from the stored experiment run records. Seeded demo
history never counts; evidence decays after the maximum age; a failed run counts for nothing
and taints what it caused (``aref.maturity.runs``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aref.absorption.facts import AbsorptionFacts
from aref.adaptation.facts import AdaptationFacts
from aref.config import ArefSettings
from aref.detection.alerts import Alert
from aref.detection.facts import DetectionFacts
from aref.evolution.demo_history import is_seeded
from aref.evolution.facts import EvolutionFacts
from aref.maturity.context import MaturityContext, targets_from_settings
from aref.maturity.evidence import Evidence, EvidenceKind
from aref.maturity.runs import SECONDS_PER_DAY, EvidenceFilter, run_facts
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
    now: float,
    runs: Sequence[Mapping[str, Any]] = (),
    automated: Collection[str] = frozenset(),
) -> MaturityContext:
    """The maturity context: the engines' facts and the evidence that counts at ``now``.

    ``incidents`` are the measured ones (no seeded history); ``alerts`` give fire times and
    correlation ids; ``runs`` are the stored experiment run records; ``automated`` names the
    tiers whose runbooks run hands-free (``automated_tiers``); a tier counts as automated only
    with a run of it recovery really performed, every step ok. Evidence older than
    ``settings.maturity.evidence_max_age_days`` and everything a failed run touched is left out
    (``aref.maturity.runs``).
    """
    detection, absorption, adaptation, evolution = facts.detection, facts.absorption, facts.adaptation, facts.evolution
    parsed = run_facts(runs)
    observed = [(a.fired_at, a.correlation_id) for a in alerts] + [(i.onset_at, i.correlation_id) for i in incidents]
    keep = EvidenceFilter.build(now, settings.maturity.evidence_max_age_days, parsed, observed)
    kept = [i for i in incidents if not is_seeded(i.id) and keep.counts(i.onset_at, i.correlation_id)]
    alert_cids = {a.id: a.correlation_id for a in alerts}
    fired = {a.id: a.fired_at for a in alerts}
    answered = tuple((aid, at) for aid, at in adaptation.adaptations if keep.counts(at, alert_cids.get(aid)))
    drill_age = float(settings.recovery.runbook_drill_interval_days) * SECONDS_PER_DAY
    performed = tuple(
        Evidence(
            EvidenceKind.RECOVERY, f"{p.tier} {p.recovery_id}", p.finished_at, f"{p.runbook}: every step performed"
        )
        for p in facts.recovery.performed
        if keep.counts(p.finished_at, p.correlation_id)
    )
    return MaturityContext(
        has_threshold_rules=detection.has_threshold_rules,
        has_synthetic_probes=detection.has_synthetic_probes,
        has_slos=detection.has_slos,
        has_anomaly_detection=detection.has_anomaly_detection,
        has_burn_rate_alerts=detection.has_burn_rate_alerts,
        incidents=tuple(_incident_evidence(i) for i in kept),
        mttd_seconds=mttd(kept),
        alert_to_action_ratio=detection.alerts_per_action,
        breaker_edges=absorption.breaker_edges,
        called_edges=topology.edge_names(),
        guard_reports=tuple(
            Evidence(EvidenceKind.REPORT, edge, at, f"replica {replica} called through its guard chain")
            for edge, replica, at in absorption.guard_reports
            if keep.counts(at)
        ),
        has_degradation_tiers=absorption.has_degradation_tiers,
        blast_radius_containment_pct=absorption.blast_radius_containment_pct,
        passed_runs=tuple(
            Evidence(EvidenceKind.RUN, r.id, r.ended_at, f"{r.experiment}: hypothesis held")
            for r in parsed
            if r.passed and keep.fresh(r.ended_at)
        ),
        feature_flags=adaptation.feature_flags,
        has_traffic_shifting=adaptation.has_traffic_shifting,
        automated_scaling=adaptation.automated_scaling,
        adaptations=tuple(Evidence(EvidenceKind.ADAPTATION, aid, at, f"answered alert {aid}") for aid, at in answered),
        escalations_to_recovery=adaptation.escalations,
        adaptation_latency_seconds=AdaptationFacts(adaptations=answered).latency_seconds(fired),
        runbooks=facts.recovery.runbooks,
        t0_automated="T0" in automated and any(e.ref.startswith("T0 ") for e in performed),
        t1_automated="T1" in automated and any(e.ref.startswith("T1 ") for e in performed),
        recovery_runs=performed,
        drills=tuple(
            Evidence(EvidenceKind.DRILL, r.id, r.ended_at, f"{r.experiment}: recovered to the steady state")
            for r in parsed
            if r.passed and r.restored and keep.fresh(r.ended_at) and r.ended_at >= now - drill_age
        ),
        mttr_seconds=mttr(kept),
        automated_resolution_pct=_early_resolution_pct(kept),
        reviews=tuple(
            Evidence(EvidenceKind.REVIEW, rid, at, f"review of {iid}")
            for rid, iid, cid, at in evolution.reviewed
            if not is_seeded(iid) and keep.counts(at, cid)
        ),
        review_completion_pct=evolution.review_completion_pct,
        knowledge_entries=evolution.knowledge_entries,
        action_completion_rate_pct=evolution.action_completion_rate_pct,
        recurrence_rate_pct=evolution.recurrence_rate_pct,
        improvement_velocity=evolution.improvement_velocity,
        **targets_from_settings(settings),
    )


def _incident_evidence(incident: Incident) -> Evidence:
    detect, resolve = incident.time_to_detect, incident.time_to_resolve
    parts = [f"{incident.service}"]
    if detect is not None:
        parts.append(f"detected in {detect:.1f} s")
    if resolve is not None:
        parts.append(f"recovered in {resolve:.1f} s")
    return Evidence(EvidenceKind.INCIDENT, incident.id, incident.onset_at, ", ".join(parts))


def _early_resolution_pct(incidents: Sequence[Incident]) -> float | None:
    """Percent of resolved incidents with a recovery tier that were recovered at T0 or T1."""
    recovered = [i.recovery_tier for i in incidents if i.recovery_tier is not None and i.resolved_at is not None]
    early = sum(tier <= RecoveryTier.T1 for tier in recovered)
    return early / len(recovered) * 100.0 if recovered else None
