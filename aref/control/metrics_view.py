"""The headline numbers: MTTD, MTTR, availability, error budgets and CRS per risk profile.

MTTD and MTTR use ``aref.scoring`` over the measured incidents (``aref.evolution.measured``),
counted from each incident's onset; ``measured_from`` says who saw those onsets.
Availability and error budgets come from the detection engine's SLO trackers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aref.config import ArefSettings
from aref.control.wire import (
    AvailabilityView,
    ErrorBudgetView,
    MetricsView,
    ServiceAvailability,
    TimeToMetric,
)
from aref.detection.onset import OnsetWitness
from aref.models import Incident
from aref.records import json_ready
from aref.scoring import availability, crs_percent, mttd, mttr


def time_to(value: float | None, target: float, measured: Sequence[Incident]) -> TimeToMetric:
    """``value`` over the ``measured`` incidents, with how many of their onsets each witness saw."""
    witnesses = {w.value: 0 for w in OnsetWitness}
    for incident in measured:
        witnesses[incident.onset_witness] = witnesses.get(incident.onset_witness, 0) + 1
    return {
        "seconds": value,
        "target_seconds": target,
        "incidents": len(measured),
        "meets_target": None if value is None else value <= target,
        "measured_from": witnesses,
    }


def availability_view(slos: Sequence[Mapping[str, Any]]) -> AvailabilityView:
    counts: dict[str, tuple[int, int]] = {}
    for slo in slos:
        if slo.get("sli") != "availability":
            continue
        total, bad = int(slo["events"]), int(slo["bad_events"])
        good_sum, total_sum = counts.get(slo["service"], (0, 0))
        counts[slo["service"]] = (good_sum + total - bad, total_sum + total)
    services: dict[str, ServiceAvailability] = {
        service: {"availability": availability(good, total), "good": good, "total": total}
        for service, (good, total) in counts.items()
    }
    good = sum(g for g, _ in counts.values())
    total = sum(t for _, t in counts.values())
    return {"overall": availability(good, total), "good": good, "total": total, "services": services}


def error_budgets(slos: Sequence[Mapping[str, Any]]) -> list[ErrorBudgetView]:
    return [
        {
            "slo": slo["name"],
            "service": slo["service"],
            "target": slo["target"],
            "events": slo["events"],
            "bad_events": slo["bad_events"],
            "consumed": json_ready(slo["budget_consumed"]),
            "remaining": slo["budget_remaining"],
            "experiment_bad_events": slo["experiment_bad_events"],
            "remaining_outside_experiments": slo["budget_remaining_outside_experiments"],
        }
        for slo in slos
    ]


def metrics_view(
    *,
    incidents: Sequence[Incident],
    slos: Sequence[Mapping[str, Any]],
    crs_by_profile: Mapping[str, float],
    settings: ArefSettings,
    at: float,
) -> MetricsView:
    profile = settings.risk_profile.value
    detected = [i for i in incidents if i.time_to_detect is not None]
    resolved = [i for i in incidents if i.time_to_resolve is not None]
    return {
        "at": at,
        "mttd": time_to(mttd(incidents), settings.detection.mttd_target_seconds, detected),
        "mttr": time_to(mttr(incidents), settings.recovery.mttr_target_seconds, resolved),
        "availability": availability_view(slos),
        "error_budgets": error_budgets(slos),
        "risk_profile": profile,
        "crs": crs_by_profile[profile],
        "crs_by_profile": dict(crs_by_profile),
        "crs_percent_by_profile": {p: crs_percent(score) for p, score in crs_by_profile.items()},
    }
