"""The incidents MTTD and MTTR are measured over.

Every stored incident (opened by recovery), plus one per correlation id that only detection
knows: an alert that adaptation mitigated never becomes a stored incident, yet it was detected
and it recovered. Such an incident starts at the earliest onset of its alerts, is detected at
the first firing, takes the worst severity among them and recovers when its last alert
resolves (it is open while any of them is). Demo history loaded by ``aref seed`` is not
measured: seeded incidents are left out, and so are recovery drills' incidents.
"""

from __future__ import annotations

from collections.abc import Sequence

from aref.detection.alerts import Alert
from aref.events import Severity
from aref.evolution.demo_history import is_seeded
from aref.models import Incident, IncidentSeverity
from aref.recovery.drills import is_drill

_SEVERITY = {
    Severity.EMERGENCY: IncidentSeverity.SEV1,
    Severity.CRITICAL: IncidentSeverity.SEV2,
    Severity.WARNING: IncidentSeverity.SEV3,
    Severity.INFO: IncidentSeverity.SEV4,
}


def measured_incidents(stored: Sequence[Incident], alerts: Sequence[Alert]) -> list[Incident]:
    """Stored incidents that are neither seeded nor drills, then one derived incident per alert-only correlation id."""
    kept = [i for i in stored if not is_seeded(i.id) and not is_drill(i.id)]
    known = {i.correlation_id for i in kept}
    groups: dict[str, list[Alert]] = {}
    for alert in alerts:
        if alert.correlation_id not in known:
            groups.setdefault(alert.correlation_id, []).append(alert)
    return [*kept, *(_from_alerts(cid, group) for cid, group in groups.items())]


def _from_alerts(correlation_id: str, alerts: Sequence[Alert]) -> Incident:
    first = min(alerts, key=lambda a: a.fired_at)
    earliest = min(alerts, key=lambda a: a.onset_at)
    worst = max((a.severity for a in alerts), key=lambda s: s.rank)
    resolved = [a.resolved_at for a in alerts]
    return Incident(
        id=first.id,
        title=f"{first.service} {first.metric}",
        service=first.service,
        severity=_SEVERITY[worst],
        onset_at=earliest.onset_at,
        onset_witness=earliest.onset_witness,
        correlation_id=correlation_id,
        detected_at=first.fired_at,
        resolved_at=None if None in resolved else max(r for r in resolved if r is not None),
        detection_class=first.detection_class,
    )
