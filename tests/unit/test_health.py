"""A service's health is the worst of what is observed about it, with a reason per observation."""

from __future__ import annotations

from typing import Any

import pytest

from aref.absorption.degradation import DegradationTier
from aref.detection.alerts import Alert
from aref.events import Severity
from aref.health import ServiceHealth, assess_health
from aref.models import DetectionClass


def alert(severity: Severity = Severity.CRITICAL, alert_id: str = "ALR-1", metric: str = "error_rate") -> Alert:
    return Alert(
        id=alert_id,
        fingerprint="fp",
        service="payments",
        metric=metric,
        detector="threshold",
        detection_class=DetectionClass.THRESHOLD,
        severity=severity,
        value=0.5,
        threshold=0.15,
        onset_at=10.0,
        fired_at=12.0,
        last_seen=12.0,
        correlation_id="COR-1",
    )


def health(
    running: int = 1,
    target: int = 1,
    tier: DegradationTier | None = DegradationTier.FULL,
    alerts: tuple[Alert, ...] = (),
) -> tuple[ServiceHealth, tuple[str, ...]]:
    return assess_health(running=running, target=target, alerts=alerts, tier=tier)


def test_a_quiet_service_is_healthy() -> None:
    assert health(running=2, target=2) == (ServiceHealth.HEALTHY, ())


@pytest.mark.parametrize(
    ("observed", "status"),
    [
        ({"alerts": (alert(Severity.WARNING),)}, ServiceHealth.DEGRADED),
        ({"alerts": (alert(Severity.INFO),)}, ServiceHealth.HEALTHY),
        ({"alerts": (alert(Severity.CRITICAL),)}, ServiceHealth.CRITICAL),
        ({"alerts": (alert(Severity.EMERGENCY),)}, ServiceHealth.CRITICAL),
        ({"tier": DegradationTier.REDUCED}, ServiceHealth.DEGRADED),
        ({"tier": DegradationTier.MINIMAL}, ServiceHealth.CRITICAL),
        ({"tier": DegradationTier.EMERGENCY}, ServiceHealth.CRITICAL),
        ({"tier": None}, ServiceHealth.HEALTHY),
        ({"running": 1, "target": 3}, ServiceHealth.DEGRADED),
        ({"running": 0, "target": 1, "alerts": (alert(Severity.CRITICAL),)}, ServiceHealth.DOWN),
        ({"tier": DegradationTier.REDUCED, "alerts": (alert(Severity.EMERGENCY),)}, ServiceHealth.CRITICAL),
    ],
)
def test_health_is_the_worst_observation(observed: dict[str, Any], status: ServiceHealth) -> None:
    assert health(**observed)[0] is status


def test_reasons_name_every_observation_in_order() -> None:
    _, reasons = health(running=1, target=2, tier=DegradationTier.REDUCED, alerts=(alert(Severity.CRITICAL),))
    assert reasons == (
        "1 of 2 replicas running",
        "critical alert ALR-1 on error_rate",
        "degradation tier reduced",
    )


def test_no_replica_running_is_down_whatever_the_target() -> None:
    assert health(running=0, target=0) == (ServiceHealth.DOWN, ("no replica running",))


def test_observations_that_say_nothing_give_no_reason() -> None:
    quiet = health(tier=DegradationTier.FULL, alerts=(alert(Severity.INFO),))
    assert quiet == (ServiceHealth.HEALTHY, ())


def test_every_alert_is_a_reason() -> None:
    alerts = (alert(Severity.WARNING, "ALR-1", "latency_p99"), alert(Severity.EMERGENCY, "ALR-2"))
    assert health(alerts=alerts) == (
        ServiceHealth.CRITICAL,
        ("warning alert ALR-1 on latency_p99", "emergency alert ALR-2 on error_rate"),
    )


def test_health_ranks_from_healthy_to_down_and_unknown_is_no_verdict() -> None:
    assert [h.rank for h in ServiceHealth] == [0, 1, 2, 3, -1]
    assert [h.value for h in ServiceHealth] == ["healthy", "degraded", "critical", "down", "unknown"]


def test_nothing_to_judge_is_unknown_not_healthy() -> None:
    status, reasons = assess_health(running=1, target=1, alerts=(), tier=DegradationTier.FULL, judged=False)
    assert (status, reasons) == (ServiceHealth.UNKNOWN, ("nothing to judge: no request nor probe seen lately",))


def test_what_is_observed_outranks_having_nothing_to_judge() -> None:
    status, _ = assess_health(running=1, target=2, alerts=(), tier=DegradationTier.FULL, judged=False)
    assert status == ServiceHealth.DEGRADED
    assert assess_health(running=0, target=1, alerts=(), tier=None, judged=False)[0] == ServiceHealth.DOWN
