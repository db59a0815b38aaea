"""The headline numbers: MTTD, MTTR, availability, error budgets and CRS per risk profile.

MTTD and MTTR use ``aref.scoring`` over the *measured incidents*: every stored incident
(opened by recovery), plus one per correlation id that only detection knows (an alert that
adaptation mitigated never becomes a stored incident, yet it was detected and it recovered).
Demo history loaded by ``aref seed`` is not measured: seeded incidents are left out.
Such an incident starts at the earliest onset of its alerts, is detected at the first firing
and recovers when its last alert resolves. Availability and error budgets come from the
detection engine's SLO trackers (``detectors.slo_burn.slos`` of its status).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aref.config import ArefSettings
from aref.control.wire import (
    AlertView,
    AvailabilityView,
    ErrorBudgetView,
    MetricsView,
    ServiceAvailability,
    TimeToMetric,
)
from aref.events import Severity
from aref.evolution.demo_history import is_seeded
from aref.models import DetectionClass, Incident, IncidentSeverity
from aref.records import json_ready
from aref.scoring import availability, crs_percent, mttd, mttr

_SEVERITY = {
    Severity.EMERGENCY: IncidentSeverity.SEV1,
    Severity.CRITICAL: IncidentSeverity.SEV2,
    Severity.WARNING: IncidentSeverity.SEV3,
    Severity.INFO: IncidentSeverity.SEV4,
}


def measured_incidents(stored: Sequence[Incident], alerts: Sequence[AlertView]) -> list[Incident]:
    """Stored incidents, plus one incident per correlation id known only from alerts.

    Demo history (``aref seed``) is not measured: seeded incidents are left out.
    """
    stored = [i for i in stored if not is_seeded(i.id)]
    known = {i.correlation_id for i in stored}
    groups: dict[str, list[AlertView]] = {}
    for alert in alerts:
        if alert["correlation_id"] not in known:
            groups.setdefault(alert["correlation_id"], []).append(alert)
    derived = [_from_alerts(cid, group) for cid, group in groups.items()]
    return [*stored, *derived]


def _from_alerts(correlation_id: str, alerts: Sequence[AlertView]) -> Incident:
    first = min(alerts, key=lambda a: a["fired_at"])
    worst = max((Severity(a["severity"]) for a in alerts), key=lambda s: s.rank)
    resolved = [a["resolved_at"] for a in alerts]
    return Incident(
        id=first["id"],
        title=f"{first['service']} {first['metric']}",
        service=first["service"],
        severity=_SEVERITY[worst],
        onset_at=min(a["onset_at"] for a in alerts),
        correlation_id=correlation_id,
        detected_at=first["fired_at"],
        resolved_at=None if None in resolved else max(r for r in resolved if r is not None),
        detection_class=DetectionClass(first["detection_class"]),
    )


def time_to(value: float | None, target: float, count: int) -> TimeToMetric:
    return {
        "seconds": value,
        "target_seconds": target,
        "incidents": count,
        "meets_target": None if value is None else value <= target,
    }


def slo_statuses(detection_status: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The SLO tracker statuses inside a detection status (empty without an SLO detector)."""
    slo_detector = detection_status.get("detectors", {}).get("slo_burn", {})
    return [dict(s) for s in slo_detector.get("slos", [])]


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
        }
        for slo in slos
    ]


def metrics_view(
    *,
    incidents: Sequence[Incident],
    detection_status: Mapping[str, Any],
    crs_by_profile: Mapping[str, float],
    settings: ArefSettings,
    at: float,
) -> MetricsView:
    profile = settings.risk_profile.value
    slos = slo_statuses(detection_status)
    detected = sum(i.time_to_detect is not None for i in incidents)
    resolved = sum(i.time_to_resolve is not None for i in incidents)
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
