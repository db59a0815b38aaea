"""Maturity criteria as data: one ``Criterion`` per pillar, level and requirement.

A criterion's ``check`` reads only a ``MaturityContext`` of measured facts. A measurement that
is missing (None) never satisfies a criterion: what is not measured cannot be claimed. L1 has
no criteria (every pillar starts there); each of L2–L5 has at least one per pillar. Rates
are percentages (0–100); targets default to the seed's settings (``targets_from_settings``
copies them from an ``ArefSettings``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aref.config import ArefSettings
from aref.errors import InvalidInputError
from aref.maturity.levels import MaturityLevel
from aref.models import Pillar

REVIEW_COMPLETION_REQUIRED_PCT = 100.0
AUTOMATED_RESOLUTION_REQUIRED_PCT = 90.0
MAX_ESCALATION_SHARE = 0.10

_PERCENT_FIELDS = (
    "blast_radius_containment_pct",
    "blast_radius_target_pct",
    "automated_resolution_pct",
    "review_completion_pct",
    "action_completion_rate_pct",
    "action_completion_target_pct",
    "recurrence_rate_pct",
    "recurrence_rate_target_pct",
)


@dataclass(frozen=True)
class MaturityContext:
    """Measured facts about the running system; defaults describe a system with nothing in place."""

    # detection
    has_threshold_rules: bool = False
    has_synthetic_probes: bool = False
    has_slos: bool = False
    has_anomaly_detection: bool = False
    has_burn_rate_alerts: bool = False
    has_predictive_detection: bool = False
    mttd_seconds: float | None = None
    mttd_target_seconds: float = 300.0
    alert_to_action_ratio: float | None = None
    alert_to_action_ratio_target: float = 3.0
    # absorption
    breakers_configured: int = 0
    dependency_edges: int = 0
    has_bulkheads: bool = False
    has_rate_limiters: bool = False
    has_degradation_tiers: bool = False
    blast_radius_containment_pct: float | None = None
    blast_radius_target_pct: float = 95.0
    chaos_experiments_passed: int = 0
    # adaptation
    feature_flags: int = 0
    has_traffic_shifting: bool = False
    automated_scaling: bool = False
    adaptations_executed: int = 0
    escalations_to_recovery: int = 0
    adaptation_latency_seconds: float | None = None
    adaptation_latency_target_seconds: float = 30.0
    # recovery
    runbooks: int = 0
    t0_automated: bool = False
    t1_automated: bool = False
    days_since_last_drill: float | None = None
    drill_interval_days: float = 90.0
    mttr_seconds: float | None = None
    mttr_target_seconds: float = 900.0
    automated_resolution_pct: float | None = None
    # evolution
    reviews_generated: int = 0
    review_completion_pct: float | None = None
    knowledge_entries: int = 0
    action_completion_rate_pct: float | None = None
    action_completion_target_pct: float = 85.0
    recurrence_rate_pct: float | None = None
    recurrence_rate_target_pct: float = 10.0
    improvement_velocity: int = 0
    improvement_velocity_target: int = 8

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or value is None:
                continue
            if value < 0:
                raise InvalidInputError(f.name, "must be >= 0")
            if f.name in _PERCENT_FIELDS and value > 100:
                raise InvalidInputError(f.name, "must be a percentage between 0 and 100")


def targets_from_settings(settings: ArefSettings) -> dict[str, Any]:
    """The context's target fields, taken from the settings (``MaturityContext(**facts, **targets)``)."""
    return {
        "mttd_target_seconds": settings.detection.mttd_target_seconds,
        "alert_to_action_ratio_target": settings.detection.alert_to_action_ratio,
        "blast_radius_target_pct": settings.absorption.blast_radius_target_pct,
        "adaptation_latency_target_seconds": settings.adaptation.latency_target_seconds,
        "drill_interval_days": float(settings.recovery.runbook_drill_interval_days),
        "mttr_target_seconds": settings.recovery.mttr_target_seconds,
        "action_completion_target_pct": settings.evolution.action_completion_rate_target,
        "recurrence_rate_target_pct": settings.evolution.recurrence_rate_target,
        "improvement_velocity_target": settings.evolution.improvement_velocity_target,
    }


Check = Callable[[MaturityContext], bool]


@dataclass(frozen=True)
class Criterion:
    id: str
    pillar: Pillar
    level: MaturityLevel
    description: str
    check: Check

    def holds(self, context: MaturityContext) -> bool:
        return bool(self.check(context))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "pillar": self.pillar.value, "level": self.level.name, "description": self.description}


def _at_most(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


def _at_least(value: float | None, floor: float) -> bool:
    return value is not None and value >= floor


def _c(pillar: Pillar, level: int, name: str, description: str, check: Check) -> Criterion:
    return Criterion(f"{pillar.value}.{name}", pillar, MaturityLevel(level), description, check)


D, AB, AD, R, E = Pillar.DETECTION, Pillar.ABSORPTION, Pillar.ADAPTATION, Pillar.RECOVERY, Pillar.EVOLUTION

CRITERIA: tuple[Criterion, ...] = (
    _c(D, 2, "threshold_rules", "Threshold alert rules watch the services", lambda c: c.has_threshold_rules),
    _c(D, 3, "slos", "SLOs with error budgets are defined", lambda c: c.has_slos),
    _c(D, 3, "synthetic_probes", "Synthetic probes exercise the services", lambda c: c.has_synthetic_probes),
    _c(D, 4, "anomaly_detection", "Statistical anomaly detection runs", lambda c: c.has_anomaly_detection),
    _c(D, 4, "burn_rate_alerts", "Multi-window burn-rate alerts guard the SLOs", lambda c: c.has_burn_rate_alerts),
    _c(
        D, 4, "mttd_target", "Measured MTTD meets its target", lambda c: _at_most(c.mttd_seconds, c.mttd_target_seconds)
    ),
    _c(D, 5, "predictive", "Predictive detection warns before impact", lambda c: c.has_predictive_detection),
    _c(
        D,
        5,
        "alert_fatigue",
        "Alerts are actionable: alert-to-action ratio within target",
        lambda c: _at_most(c.alert_to_action_ratio, c.alert_to_action_ratio_target),
    ),
    _c(AB, 2, "circuit_breakers", "Circuit breakers guard dependency calls", lambda c: c.breakers_configured >= 1),
    _c(AB, 3, "bulkheads", "Bulkheads cap concurrency per service", lambda c: c.has_bulkheads),
    _c(AB, 3, "rate_limiters", "Rate limiters protect every service", lambda c: c.has_rate_limiters),
    _c(AB, 3, "degradation_tiers", "Graceful degradation tiers are defined", lambda c: c.has_degradation_tiers),
    _c(
        AB,
        4,
        "breaker_coverage",
        "Every dependency edge has a circuit breaker",
        lambda c: c.dependency_edges > 0 and c.breakers_configured >= c.dependency_edges,
    ),
    _c(
        AB,
        4,
        "blast_radius",
        "Measured blast-radius containment meets its target",
        lambda c: _at_least(c.blast_radius_containment_pct, c.blast_radius_target_pct),
    ),
    _c(AB, 5, "chaos_verified", "Chaos experiments prove the containment", lambda c: c.chaos_experiments_passed >= 1),
    _c(AD, 2, "feature_flags", "Feature flags can switch features off", lambda c: c.feature_flags >= 1),
    _c(AD, 3, "traffic_shifting", "Traffic can be shifted between routes", lambda c: c.has_traffic_shifting),
    _c(AD, 4, "automated_scaling", "Replicas scale automatically", lambda c: c.automated_scaling),
    _c(AD, 4, "adaptations_executed", "Adaptation has acted on real incidents", lambda c: c.adaptations_executed >= 1),
    _c(
        AD,
        4,
        "latency_target",
        "Measured time to adapt meets its target",
        lambda c: _at_most(c.adaptation_latency_seconds, c.adaptation_latency_target_seconds),
    ),
    _c(
        AD,
        5,
        "self_mitigation",
        "At most 10% of adaptations escalate to recovery",
        lambda c: (
            c.adaptations_executed >= 1 and c.escalations_to_recovery <= MAX_ESCALATION_SHARE * c.adaptations_executed
        ),
    ),
    _c(R, 2, "runbooks", "Runbooks exist", lambda c: c.runbooks >= 1),
    _c(
        R,
        3,
        "drills",
        "A runbook drill ran within the drill interval",
        lambda c: _at_most(c.days_since_last_drill, c.drill_interval_days),
    ),
    _c(R, 4, "automated_t0_t1", "T0 and T1 run without human approval", lambda c: c.t0_automated and c.t1_automated),
    _c(
        R, 4, "mttr_target", "Measured MTTR meets its target", lambda c: _at_most(c.mttr_seconds, c.mttr_target_seconds)
    ),
    _c(
        R,
        5,
        "automated_resolution",
        "At least 90% of recoveries resolve at T0/T1",
        lambda c: _at_least(c.automated_resolution_pct, AUTOMATED_RESOLUTION_REQUIRED_PCT),
    ),
    _c(E, 2, "reviews", "Post-incident reviews are written", lambda c: c.reviews_generated >= 1),
    _c(
        E,
        3,
        "review_completion",
        "Every resolved incident is reviewed within the deadline",
        lambda c: _at_least(c.review_completion_pct, REVIEW_COMPLETION_REQUIRED_PCT),
    ),
    _c(E, 3, "knowledge_base", "Lessons are kept in a knowledge base", lambda c: c.knowledge_entries >= 1),
    _c(
        E,
        4,
        "action_completion",
        "Action completion rate exceeds its target",
        lambda c: (
            c.action_completion_rate_pct is not None and c.action_completion_rate_pct > c.action_completion_target_pct
        ),
    ),
    _c(
        E,
        4,
        "recurrence",
        "Recurrence rate stays below its target",
        lambda c: c.recurrence_rate_pct is not None and c.recurrence_rate_pct < c.recurrence_rate_target_pct,
    ),
    _c(
        E,
        5,
        "velocity",
        "Improvement velocity reaches its target per quarter",
        lambda c: c.improvement_velocity >= c.improvement_velocity_target,
    ),
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
