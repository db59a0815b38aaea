"""The archetypes of demo history: what typically goes wrong in the demo shop, and how it ended.

Each ``Scenario`` names a service of ``aref.topology.DEMO_TOPOLOGY``, the alert that caught it,
what absorbed and adapted, the recovery tiers it went through and the ranges its detection and
resolution times fall in (seconds after onset). ``RUNBOOK_STEPS`` are the default runbooks'
step names per tier, as ``recovery.runbook_step_completed`` reports them. Used only by
``aref.evolution.demo_history``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aref.events import Severity
from aref.models import AnomalyClass, DetectionClass, IncidentSeverity, RecoveryTier


@dataclass(frozen=True)
class Scenario:
    service: str
    title: str
    metric: str
    detector: str
    detection_class: DetectionClass
    alert_severity: Severity
    incident_severity: IncidentSeverity
    anomaly_class: AnomalyClass
    value: tuple[float, float]
    threshold: float
    detect_seconds: tuple[float, float]
    resolve_seconds: tuple[float, float]
    tiers: tuple[RecoveryTier, ...]
    breaker_from: str | None = None  # the caller whose breaker to ``service`` opened
    degrade_to: str | None = None  # the degradation tier ``service`` fell to
    strategy: str | None = None  # the adaptation strategy that ran
    actions: tuple[str, ...] = ()
    escalation: str | None = None  # why adaptation handed over to recovery
    failed_step: str | None = None  # a runbook step that timed out
    weight: int = 1


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        service="payments",
        title="error rate above threshold",
        metric="error_rate",
        detector="threshold",
        detection_class=DetectionClass.THRESHOLD,
        alert_severity=Severity.CRITICAL,
        incident_severity=IncidentSeverity.SEV2,
        anomaly_class=AnomalyClass.PERSISTENT,
        value=(0.18, 0.55),
        threshold=0.05,
        detect_seconds=(15, 75),
        resolve_seconds=(300, 900),
        tiers=(RecoveryTier.T0,),
        breaker_from="gateway",
        strategy="shift_traffic",
        actions=("shift 50% of payments traffic to backup",),
        weight=3,
    ),
    Scenario(
        service="inventory",
        title="p99 latency anomaly",
        metric="latency_p99",
        detector="zscore",
        detection_class=DetectionClass.ANOMALY,
        alert_severity=Severity.WARNING,
        incident_severity=IncidentSeverity.SEV3,
        anomaly_class=AnomalyClass.PERSISTENT,
        value=(850, 2400),
        threshold=500,
        detect_seconds=(40, 240),
        resolve_seconds=(600, 1500),
        tiers=(RecoveryTier.T0,),
        strategy="scale_out",
        actions=("scale inventory from 1 to 3 replicas",),
        weight=3,
    ),
    Scenario(
        service="notifications",
        title="error budget burning fast",
        metric="error_rate",
        detector="slo_burn",
        detection_class=DetectionClass.SLO_BURN,
        alert_severity=Severity.WARNING,
        incident_severity=IncidentSeverity.SEV3,
        anomaly_class=AnomalyClass.PERSISTENT,
        value=(0.08, 0.25),
        threshold=0.02,
        detect_seconds=(120, 540),
        resolve_seconds=(900, 2400),
        tiers=(RecoveryTier.T0,),
        breaker_from="gateway",
        degrade_to="reduced",
        strategy="degrade_scope",
        actions=(
            "disable notifications.analytics",
            "disable notifications.recommendations",
            "disable notifications.search",
            "disable notifications.experimental",
            "disable gateway.analytics",
            "disable gateway.receipts",
        ),
        weight=2,
    ),
    Scenario(
        service="orders",
        title="synthetic checkout probe failing",
        metric="error_rate",
        detector="synthetic",
        detection_class=DetectionClass.SYNTHETIC,
        alert_severity=Severity.EMERGENCY,
        incident_severity=IncidentSeverity.SEV1,
        anomaly_class=AnomalyClass.ESCALATING,
        value=(0.6, 1.0),
        threshold=0.5,
        detect_seconds=(10, 45),
        resolve_seconds=(1200, 3000),
        tiers=(RecoveryTier.T0, RecoveryTier.T1),
        breaker_from="gateway",
        degrade_to="minimal",
        escalation="error rate still rising after the adaptation window",
        failed_step="restart-unhealthy-replicas",
        weight=2,
    ),
    Scenario(
        service="gateway",
        title="latency outside the learned baseline",
        metric="latency_p99",
        detector="isolation_forest",
        detection_class=DetectionClass.ANOMALY,
        alert_severity=Severity.CRITICAL,
        incident_severity=IncidentSeverity.SEV2,
        anomaly_class=AnomalyClass.ESCALATING,
        value=(1200, 4000),
        threshold=800,
        detect_seconds=(90, 600),
        resolve_seconds=(1800, 4200),
        tiers=(RecoveryTier.T0, RecoveryTier.T1, RecoveryTier.T2),
        degrade_to="reduced",
        strategy="shed_load",
        actions=("disable gateway.analytics", "disable gateway.receipts"),
        escalation="latency did not recover after shedding load",
        weight=1,
    ),
    Scenario(
        service="payments",
        title="checkout payments slow",
        metric="latency_p99",
        detector="threshold",
        detection_class=DetectionClass.THRESHOLD,
        alert_severity=Severity.WARNING,
        incident_severity=IncidentSeverity.SEV3,
        anomaly_class=AnomalyClass.TRANSIENT,
        value=(700, 1600),
        threshold=500,
        detect_seconds=(30, 150),
        resolve_seconds=(420, 900),
        tiers=(RecoveryTier.T0,),
        strategy="scale_out",
        actions=("scale payments from 1 to 2 replicas",),
        weight=2,
    ),
    Scenario(
        service="inventory",
        title="stock reservation errors",
        metric="error_rate",
        detector="zscore",
        detection_class=DetectionClass.ANOMALY,
        alert_severity=Severity.CRITICAL,
        incident_severity=IncidentSeverity.SEV2,
        anomaly_class=AnomalyClass.PERSISTENT,
        value=(0.1, 0.4),
        threshold=0.05,
        detect_seconds=(30, 180),
        resolve_seconds=(900, 2700),
        tiers=(RecoveryTier.T0, RecoveryTier.T1),
        breaker_from="gateway",
        strategy="shift_traffic",
        actions=("shift 30% of inventory traffic to replica-b",),
        escalation="reservation errors persisted after the traffic shift",
        weight=2,
    ),
    Scenario(
        service="notifications",
        title="delivery latency growing",
        metric="latency_p99",
        detector="isolation_forest",
        detection_class=DetectionClass.ANOMALY,
        alert_severity=Severity.WARNING,
        incident_severity=IncidentSeverity.SEV4,
        anomaly_class=AnomalyClass.TRANSIENT,
        value=(2000, 6000),
        threshold=1500,
        detect_seconds=(60, 400),
        resolve_seconds=(600, 1500),
        tiers=(RecoveryTier.T0,),
        strategy="shed_load",
        actions=(
            "disable notifications.analytics",
            "disable notifications.recommendations",
            "disable notifications.search",
            "disable notifications.experimental",
        ),
        weight=2,
    ),
    Scenario(
        service="orders",
        title="order placement slow",
        metric="latency_p99",
        detector="slo_burn",
        detection_class=DetectionClass.SLO_BURN,
        alert_severity=Severity.WARNING,
        incident_severity=IncidentSeverity.SEV3,
        anomaly_class=AnomalyClass.PERSISTENT,
        value=(900, 2000),
        threshold=600,
        detect_seconds=(90, 420),
        resolve_seconds=(720, 1800),
        tiers=(RecoveryTier.T0,),
        strategy="scale_out",
        actions=("scale orders from 2 to 4 replicas",),
        weight=2,
    ),
    Scenario(
        service="gateway",
        title="5xx spike at the edge",
        metric="error_rate",
        detector="threshold",
        detection_class=DetectionClass.THRESHOLD,
        alert_severity=Severity.CRITICAL,
        incident_severity=IncidentSeverity.SEV2,
        anomaly_class=AnomalyClass.TRANSIENT,
        value=(0.08, 0.3),
        threshold=0.05,
        detect_seconds=(10, 40),
        resolve_seconds=(300, 900),
        tiers=(RecoveryTier.T0,),
        degrade_to="reduced",
        strategy="degrade_scope",
        actions=("disable payments.analytics", "disable gateway.analytics", "disable gateway.receipts"),
        weight=2,
    ),
)

RUNBOOK_STEPS: Mapping[RecoveryTier, tuple[str, tuple[tuple[str, str], ...]]] = {
    RecoveryTier.T0: (
        "t0-emergency-stabilization",
        (("capture-diagnostics", "automated"), ("restart-unhealthy-replicas", "automated")),
    ),
    RecoveryTier.T1: (
        "t1-minimum-viable-recovery",
        (
            ("declare-incident", "automated"),
            ("shift-traffic-to-healthy-routes", "automated"),
            ("verify-core-path", "verify"),
        ),
    ),
    RecoveryTier.T2: (
        "t2-functional-recovery",
        (
            ("correlate-recent-changes", "automated"),
            ("approve-remediation", "needs_approval"),
            ("restore-full-service", "automated"),
        ),
    ),
}
