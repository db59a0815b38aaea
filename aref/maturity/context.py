"""The measured facts and evidence a maturity assessment reads (``MaturityContext``).

Defaults describe a system with nothing in place. A measurement that is missing (None) never
satisfies a criterion. Evidence tuples hold only what counts: ``aref.maturity.facts`` has
already dropped seeded demo history, evidence older than the maximum age and everything a
failed experiment touched. Rates are percentages (0–100); targets come from the settings
(``targets_from_settings``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from aref.config import ArefSettings
from aref.errors import InvalidInputError
from aref.maturity.evidence import Evidence

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
    # detection
    has_threshold_rules: bool = False
    has_synthetic_probes: bool = False
    has_slos: bool = False
    has_anomaly_detection: bool = False
    has_burn_rate_alerts: bool = False
    has_predictive_detection: bool = False
    incidents: tuple[Evidence, ...] = ()
    """The measured incidents MTTD, MTTR and the automated-resolution share rest on."""
    mttd_seconds: float | None = None
    mttd_target_seconds: float = 300.0
    alert_to_action_ratio: float | None = None
    alert_to_action_ratio_target: float = 3.0
    # absorption
    breaker_edges: tuple[str, ...] = ()
    called_edges: tuple[str, ...] = ()
    """The edges of the topology the shop really calls."""
    guard_reports: tuple[Evidence, ...] = ()
    """Per edge, a replica's outcome report through its guard chain (ref: the edge)."""
    has_degradation_tiers: bool = False
    blast_radius_containment_pct: float | None = None
    blast_radius_target_pct: float = 95.0
    passed_runs: tuple[Evidence, ...] = ()
    # adaptation
    feature_flags: int = 0
    has_traffic_shifting: bool = False
    automated_scaling: bool = False
    adaptations: tuple[Evidence, ...] = ()
    escalations_to_recovery: int = 0
    adaptation_latency_seconds: float | None = None
    adaptation_latency_target_seconds: float = 30.0
    # recovery
    runbooks: int = 0
    t0_automated: bool = False
    t1_automated: bool = False
    recovery_runs: tuple[Evidence, ...] = ()
    drills: tuple[Evidence, ...] = ()
    drill_interval_days: float = 90.0
    mttr_seconds: float | None = None
    mttr_target_seconds: float = 900.0
    automated_resolution_pct: float | None = None
    # evolution
    reviews: tuple[Evidence, ...] = ()
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
            if not isinstance(value, (int, float)) or isinstance(value, bool):
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
