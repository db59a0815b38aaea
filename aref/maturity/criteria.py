"""Maturity criteria as data: one ``Criterion`` per pillar, level and requirement.

A criterion's ``check`` reads only a ``MaturityContext`` and answers a ``Verdict``: it holds
with the evidence that made it true, or it does not, with the reason. Capability criteria rest
on configuration and show it as ``config`` evidence (they never claim something happened);
every other criterion rests on measured events (runs, incidents, adaptations, reviews, replica
reports). L1 has no criteria (every pillar starts there); each of L2–L5 has at least one per pillar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aref.errors import InvalidInputError
from aref.maturity.context import MaturityContext, targets_from_settings
from aref.maturity.evidence import Evidence, Verdict, config
from aref.maturity.levels import MaturityLevel
from aref.models import Pillar

__all__ = ["CRITERIA", "Criterion", "MaturityContext", "targets_from_settings", "validate"]

REVIEW_COMPLETION_REQUIRED_PCT = 100.0
AUTOMATED_RESOLUTION_REQUIRED_PCT = 90.0
MAX_ESCALATION_SHARE = 0.10

Check = Callable[[MaturityContext], Verdict]


@dataclass(frozen=True)
class Criterion:
    id: str
    pillar: Pillar
    level: MaturityLevel
    description: str
    check: Check

    def judge(self, context: MaturityContext) -> Verdict:
        return self.check(context)

    def holds(self, context: MaturityContext) -> bool:
        return self.judge(context).holds

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "pillar": self.pillar.value, "level": self.level.name, "description": self.description}


def _has(present: bool, ref: str, note: str, missing: str) -> Verdict:
    return Verdict.met([config(ref, note)]) if present else Verdict.unmet(missing)


def _seen(items: Sequence[Evidence], missing: str) -> Verdict:
    return Verdict.met(items) if items else Verdict.unmet(missing)


def _at_most(value: float | None, limit: float, evidence: Sequence[Evidence], what: str) -> Verdict:
    if value is None:
        return Verdict.unmet(f"no {what} measured")
    if value <= limit:
        return Verdict.met(evidence)
    return Verdict.unmet(f"{what} {value:.3g} is above its target {limit:g}", evidence)


def _at_least(value: float | None, floor: float, evidence: Sequence[Evidence], what: str) -> Verdict:
    if value is None:
        return Verdict.unmet(f"no {what} measured")
    if value >= floor:
        return Verdict.met(evidence)
    return Verdict.unmet(f"{what} {value:.3g} is below {floor:g}", evidence)


def _every_edge(c: MaturityContext, guard: str) -> Verdict:
    """Every called edge reported outcomes through a replica's guard chain (which holds ``guard``)."""
    if not c.called_edges:
        return Verdict.unmet("the topology has no called edge")
    reported = {e.ref for e in c.guard_reports}
    missing = [edge for edge in c.called_edges if edge not in reported]
    if missing:
        reason = f"no replica reported calls through its {guard} on {', '.join(missing)}"
        return Verdict.unmet(reason, [e for e in c.guard_reports if e.ref in c.called_edges])
    return Verdict.met([e for e in c.guard_reports if e.ref in c.called_edges])


def _breaker_coverage(c: MaturityContext) -> Verdict:
    missing = [edge for edge in c.called_edges if edge not in c.breaker_edges]
    if not c.called_edges:
        return Verdict.unmet("the topology has no called edge")
    if missing:
        return Verdict.unmet(f"no breaker on {', '.join(missing)}")
    return Verdict.met([config(edge, "circuit breaker on a called edge") for edge in c.called_edges])


def _containment(c: MaturityContext) -> Verdict:
    value = c.blast_radius_containment_pct
    if value is None:
        return Verdict.unmet("no open breaker has stopped a spread yet")
    evidence = [config("blast_radius", f"{value:g}% contained behind open breakers")]
    return _at_least(value, c.blast_radius_target_pct, evidence, "blast-radius containment %")


def _self_mitigation(c: MaturityContext) -> Verdict:
    if not c.adaptations:
        return Verdict.unmet("no adaptation recorded")
    if c.escalations_to_recovery > MAX_ESCALATION_SHARE * len(c.adaptations):
        return Verdict.unmet(f"{c.escalations_to_recovery} escalations for {len(c.adaptations)} adaptations")
    return Verdict.met(c.adaptations)


def _t0_t1(c: MaturityContext) -> Verdict:
    missing = [t for t, ok in (("T0", c.t0_automated), ("T1", c.t1_automated)) if not ok]
    if missing:
        reason = f"{' and '.join(missing)}: no runbook run hands-free and performed with every step ok"
        return Verdict.unmet(reason, c.recovery_runs)
    return Verdict.met(c.recovery_runs)


def _drills(c: MaturityContext) -> Verdict:
    return _seen(c.drills, f"no drill recorded in the last {c.drill_interval_days:g} days")


def _c(pillar: Pillar, level: int, name: str, description: str, check: Check) -> Criterion:
    return Criterion(f"{pillar.value}.{name}", pillar, MaturityLevel(level), description, check)


D, AB, AD, R, E = Pillar.DETECTION, Pillar.ABSORPTION, Pillar.ADAPTATION, Pillar.RECOVERY, Pillar.EVOLUTION

CRITERIA: tuple[Criterion, ...] = (
    _c(
        D,
        2,
        "threshold_rules",
        "Threshold alert rules watch the services",
        lambda c: _has(c.has_threshold_rules, "threshold_rules", "rules configured", "no threshold rule configured"),
    ),
    _c(
        D,
        3,
        "slos",
        "SLOs with error budgets are defined",
        lambda c: _has(c.has_slos, "slos", "SLOs configured", "no SLO defined"),
    ),
    _c(
        D,
        3,
        "synthetic_probes",
        "Synthetic probes exercise the services",
        lambda c: _has(c.has_synthetic_probes, "probes", "a probe result arrived", "no probe result arrived"),
    ),
    _c(
        D,
        4,
        "anomaly_detection",
        "Statistical anomaly detection runs",
        lambda c: _has(c.has_anomaly_detection, "anomaly", "anomaly streams watched", "no anomaly stream"),
    ),
    _c(
        D,
        4,
        "burn_rate_alerts",
        "Multi-window burn-rate alerts guard the SLOs",
        lambda c: _has(c.has_burn_rate_alerts, "burn_rate", "burn-rate policies set", "no burn-rate policy"),
    ),
    _c(
        D,
        4,
        "mttd_target",
        "Measured MTTD meets its target",
        lambda c: _at_most(c.mttd_seconds, c.mttd_target_seconds, c.incidents, "MTTD (s)"),
    ),
    _c(
        D,
        5,
        "predictive",
        "Predictive detection warns before impact",
        lambda c: _has(c.has_predictive_detection, "predictive", "forecasts", "no predictive detector"),
    ),
    _c(
        D,
        5,
        "alert_fatigue",
        "Alerts are actionable: alert-to-action ratio within target",
        lambda c: _at_most(c.alert_to_action_ratio, c.alert_to_action_ratio_target, (), "alerts per action"),
    ),
    _c(
        AB,
        2,
        "circuit_breakers",
        "Circuit breakers guard dependency calls",
        lambda c: _has(bool(c.breaker_edges), "breakers", f"{len(c.breaker_edges)} edges", "no circuit breaker"),
    ),
    _c(
        AB,
        3,
        "bulkheads",
        "Bulkheads cap concurrent calls on every called edge, on the replicas",
        lambda c: _every_edge(c, "bulkhead"),
    ),
    _c(
        AB,
        3,
        "rate_limiters",
        "Rate limiters cap calls on every called edge, on the replicas",
        lambda c: _every_edge(c, "token bucket"),
    ),
    _c(
        AB,
        3,
        "degradation_tiers",
        "Graceful degradation tiers are defined",
        lambda c: _has(c.has_degradation_tiers, "degradation", "tiers per service", "no degradation tier"),
    ),
    _c(AB, 4, "breaker_coverage", "Every edge the shop calls has a circuit breaker", _breaker_coverage),
    _c(AB, 4, "blast_radius", "Measured blast-radius containment meets its target", _containment),
    _c(
        AB,
        5,
        "chaos_verified",
        "A chaos experiment passed",
        lambda c: _seen(c.passed_runs, "no passed chaos experiment recorded"),
    ),
    _c(
        AD,
        2,
        "feature_flags",
        "Feature flags can switch features off",
        lambda c: _has(c.feature_flags >= 1, "flags", f"{c.feature_flags} flags", "no feature flag"),
    ),
    _c(
        AD,
        3,
        "traffic_shifting",
        "Traffic can be shifted between routes",
        lambda c: _has(c.has_traffic_shifting, "traffic", "weighted routes", "no weighted route"),
    ),
    _c(
        AD,
        4,
        "automated_scaling",
        "Replicas scale automatically",
        lambda c: _has(c.automated_scaling, "autoscaler", "autoscaling policies", "no autoscaling policy"),
    ),
    _c(
        AD,
        4,
        "adaptations_executed",
        "Adaptation has acted on real alerts",
        lambda c: _seen(c.adaptations, "no adaptation recorded"),
    ),
    _c(
        AD,
        4,
        "latency_target",
        "Measured time to adapt meets its target",
        lambda c: _at_most(
            c.adaptation_latency_seconds, c.adaptation_latency_target_seconds, c.adaptations, "time to adapt (s)"
        ),
    ),
    _c(AD, 5, "self_mitigation", "At most 10% of adaptations escalate to recovery", _self_mitigation),
    _c(
        R,
        2,
        "runbooks",
        "Runbooks exist",
        lambda c: _has(c.runbooks >= 1, "runbooks", f"{c.runbooks} runbooks", "no runbook"),
    ),
    _c(
        R,
        3,
        "drills",
        "A recovery drill (a passed experiment that restored the steady state) ran within the drill interval",
        _drills,
    ),
    _c(R, 4, "automated_t0_t1", "T0 and T1 run without human approval", _t0_t1),
    _c(
        R,
        4,
        "mttr_target",
        "Measured MTTR meets its target",
        lambda c: _at_most(c.mttr_seconds, c.mttr_target_seconds, c.incidents, "MTTR (s)"),
    ),
    _c(
        R,
        5,
        "automated_resolution",
        "At least 90% of recoveries resolve at T0/T1",
        lambda c: _at_least(
            c.automated_resolution_pct, AUTOMATED_RESOLUTION_REQUIRED_PCT, c.incidents, "share resolved at T0/T1 (%)"
        ),
    ),
    _c(
        E,
        2,
        "reviews",
        "Post-incident reviews are written",
        lambda c: _seen(c.reviews, "no review of a measured incident"),
    ),
    _c(
        E,
        3,
        "review_completion",
        "Every resolved incident is reviewed within the deadline",
        lambda c: _at_least(c.review_completion_pct, REVIEW_COMPLETION_REQUIRED_PCT, c.reviews, "reviewed on time (%)"),
    ),
    _c(
        E,
        3,
        "knowledge_base",
        "Lessons are kept in a knowledge base",
        lambda c: _has(c.knowledge_entries >= 1, "knowledge", f"{c.knowledge_entries} lessons", "no lesson kept"),
    ),
    _c(
        E,
        4,
        "action_completion",
        "Action completion rate exceeds its target",
        lambda c: _above(c.action_completion_rate_pct, c.action_completion_target_pct, "action completion (%)"),
    ),
    _c(
        E,
        4,
        "recurrence",
        "Recurrence rate stays below its target",
        lambda c: _below(c.recurrence_rate_pct, c.recurrence_rate_target_pct, "recurrence rate (%)"),
    ),
    _c(
        E,
        5,
        "velocity",
        "Improvement velocity reaches its target per quarter",
        lambda c: _at_least(
            float(c.improvement_velocity), c.improvement_velocity_target, (), "actions done this quarter"
        ),
    ),
)


def _above(value: float | None, target: float, what: str) -> Verdict:
    if value is None:
        return Verdict.unmet(f"no {what} measured")
    return (
        Verdict.met([config(what, f"{value:.3g}")])
        if value > target
        else Verdict.unmet(f"{what} {value:.3g} <= {target:g}")
    )


def _below(value: float | None, target: float, what: str) -> Verdict:
    if value is None:
        return Verdict.unmet(f"no {what} measured")
    return (
        Verdict.met([config(what, f"{value:.3g}")])
        if value < target
        else Verdict.unmet(f"{what} {value:.3g} >= {target:g}")
    )


def validate(criteria: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
    """Refuse duplicate ids, L1 criteria (L1 always holds) and a pillar level without criteria.

    A level without criteria would be reached for free, so every pillar needs at least one
    criterion at each of L2–L5.
    """
    seen: set[str] = set()
    for criterion in criteria:
        if criterion.id in seen:
            raise InvalidInputError("criteria", f"duplicate criterion id {criterion.id!r}")
        if criterion.level == MaturityLevel.L1:
            raise InvalidInputError("criteria", f"{criterion.id}: L1 has no criteria, it always holds")
        seen.add(criterion.id)
    covered = {(c.pillar, c.level) for c in criteria}
    for pillar in Pillar:
        missing = [level.name for level in list(MaturityLevel)[1:] if (pillar, level) not in covered]
        if missing:
            raise InvalidInputError("criteria", f"{pillar.value} has no criteria at {', '.join(missing)}")
    return criteria
