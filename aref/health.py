"""A service's health: the worst of what is observed about it, with a reason per observation.

No replica running is ``down``; a CRITICAL/EMERGENCY open alert or a MINIMAL/EMERGENCY
degradation tier is ``critical``; a WARNING alert, a REDUCED tier or fewer replicas running
than asked for is ``degraded``; nothing of that is ``healthy``, when something was there to
judge (a request or a probe within the no-data window), else ``unknown``. INFO alerts and the
FULL tier say nothing. An injected fault is never counted as health: only its effects are.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aref.absorption.degradation import DegradationTier
from aref.detection.alerts import Alert
from aref.events import Severity


class ServiceHealth(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    CRITICAL = "critical"
    DOWN = "down"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        """Position from best (0, healthy) to worst (3, down); ``unknown`` (-1) is no verdict at all."""
        return -1 if self is ServiceHealth.UNKNOWN else list(ServiceHealth).index(self)


_TIER_HEALTH = {
    DegradationTier.REDUCED: ServiceHealth.DEGRADED,
    DegradationTier.MINIMAL: ServiceHealth.CRITICAL,
    DegradationTier.EMERGENCY: ServiceHealth.CRITICAL,
}
_ALERT_HEALTH = {
    Severity.WARNING: ServiceHealth.DEGRADED,
    Severity.CRITICAL: ServiceHealth.CRITICAL,
    Severity.EMERGENCY: ServiceHealth.CRITICAL,
}


NOTHING_TO_JUDGE = "nothing to judge: no request nor probe seen lately"


def assess_health(
    *, running: int, target: int, alerts: Sequence[Alert], tier: DegradationTier | None, judged: bool = True
) -> tuple[ServiceHealth, tuple[str, ...]]:
    """The service's health and the reasons for it, in order: replicas, each alert, the tier.

    ``alerts`` are the service's open alerts; ``tier`` its degradation tier (None when unknown);
    ``judged`` says whether a request or probe was seen lately (detection's no-data window).
    """
    verdicts: list[tuple[ServiceHealth, str]] = []
    if running == 0:
        verdicts.append((ServiceHealth.DOWN, "no replica running"))
    elif running < target:
        verdicts.append((ServiceHealth.DEGRADED, f"{running} of {target} replicas running"))
    for alert in alerts:
        health = _ALERT_HEALTH.get(alert.severity)
        if health is not None:
            verdicts.append((health, f"{alert.severity.value} alert {alert.id} on {alert.metric}"))
    tier_health = None if tier is None else _TIER_HEALTH.get(tier)
    if tier is not None and tier_health is not None:
        verdicts.append((tier_health, f"degradation tier {tier.value}"))
    if not verdicts and not judged:
        return ServiceHealth.UNKNOWN, (NOTHING_TO_JUDGE,)
    status = max((h for h, _ in verdicts), key=lambda h: h.rank, default=ServiceHealth.HEALTHY)
    return status, tuple(reason for _, reason in verdicts)
