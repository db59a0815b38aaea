"""The Prometheus registry built from control-plane state, fresh on every scrape."""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry

from aref.absorption.degradation import DegradationTier
from aref.control.pillars.chaos import FaultRecord
from aref.control.plane import ControlPlane
from aref.control.ports import ReplicaCount
from aref.control.views import fault_view, service_view
from aref.control.wire import (
    AlertsView,
    ChaosStatusView,
    MetricsView,
    ServicesView,
    ServiceView,
)
from aref.dashboard.prometheus import build_registry, scrape
from aref.topology import DEMO_TOPOLOGY
from chaos.faults import ActiveFault, FaultSpec, FaultType


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def service(name: str) -> ServiceView:
    return service_view(
        name,
        topology=DEMO_TOPOLOGY,
        replicas=ReplicaCount(name, 3, 2, "RUNNING", ("r1", "r2")),
        tier=DegradationTier.FULL,
        open_alerts=[],
        fault_ids=[],
        telemetry=None,
    )


def views() -> tuple[MetricsView, AlertsView, ServicesView, ChaosStatusView]:
    metrics: MetricsView = {
        "at": 0.0,
        "mttd": {"seconds": 12.5, "target_seconds": 300.0, "incidents": 2, "meets_target": True, "measured_from": {}},
        "mttr": {"seconds": None, "target_seconds": 900.0, "incidents": 0, "meets_target": None, "measured_from": {}},
        "availability": {"overall": 0.97, "good": 97, "total": 100, "services": {}},
        "error_budgets": [],
        "risk_profile": "balanced",
        "crs": 2.0,
        "crs_by_profile": {"balanced": 2.0, "innovation_heavy": 2.5},
        "crs_percent_by_profile": {"balanced": 25.0, "innovation_heavy": 37.5},
    }
    alerts: AlertsView = {
        "active": [],
        "recent_resolved": [],
        "counts": {"open": 3, "firing": 3, "acknowledged": 0, "by_severity": {"warning": 1, "critical": 2}},
    }
    services: ServicesView = {"services": [service("payments"), service("orders")]}
    fault = fault_view(
        FaultRecord(ActiveFault("FLT-1", FaultSpec("payments", FaultType.ERROR, 0.5, 60.0), 0.0, 60.0), None), 1.0
    )
    chaos: ChaosStatusView = {"version": 1, "active": [fault, fault], "recent": []}
    return metrics, alerts, services, chaos


def test_every_series_comes_from_the_views() -> None:
    metrics, alerts, services, chaos = views()
    breakers = {"breakers": {"a->b": {"state": "open"}, "b->c": {"state": "half_open"}, "c->d": {"state": "open"}}}
    registry = build_registry(metrics=metrics, alerts=alerts, absorption=breakers, services=services, chaos=chaos)
    assert sample(registry, "aref_crs", profile="innovation_heavy") == 2.5
    assert sample(registry, "aref_alerts_active", severity="critical") == 2.0
    assert sample(registry, "aref_breakers_open") == 2.0
    assert sample(registry, "aref_replicas_running", service="payments") == 2.0
    assert sample(registry, "aref_replicas_target", service="payments") == 3.0
    assert sample(registry, "aref_faults_active", service="payments") == 2.0
    assert sample(registry, "aref_faults_active", service="orders") == 0.0
    assert sample(registry, "aref_availability") == 0.97
    assert sample(registry, "aref_mttd_seconds") == 12.5
    assert sample(registry, "aref_mttr_seconds") is None  # not measured, not exported


def test_each_scrape_builds_a_fresh_registry(plane: ControlPlane) -> None:
    first = asyncio.run(scrape(plane)).decode()
    asyncio.run(plane.scale("orders", 2))
    second = asyncio.run(scrape(plane)).decode()
    assert 'aref_replicas_target{service="orders"} 1.0' in first
    assert 'aref_replicas_target{service="orders"} 2.0' in second
    assert second.count("# TYPE aref_replicas_target gauge") == 1
