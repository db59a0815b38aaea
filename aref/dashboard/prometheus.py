"""Prometheus exposition built on each scrape from control-plane state.

A fresh ``CollectorRegistry`` per scrape (never the process-global one): the numbers are the
control plane's, not this process's, so nothing is accumulated here. Series: CRS per risk
profile, open alerts per severity, open breakers, replicas running and target per service,
active faults per service, overall availability, and MTTD/MTTR once measured.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Gauge, generate_latest

from aref.control.plane import ControlPlane
from aref.control.wire import AlertsView, ChaosStatusView, MetricsView, ServicesView

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


async def scrape(control_plane: ControlPlane) -> bytes:
    registry = build_registry(
        metrics=await control_plane.metrics(),
        alerts=await control_plane.alerts(),
        absorption=await control_plane.absorption(),
        services=await control_plane.services(),
        chaos=await control_plane.chaos_status(),
    )
    return generate_latest(registry)


def build_registry(
    *,
    metrics: MetricsView,
    alerts: AlertsView,
    absorption: dict[str, Any],
    services: ServicesView,
    chaos: ChaosStatusView,
) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, labels, registry=registry)

    crs = gauge("aref_crs", "Composite Resilience Score (1-5) under a risk profile", ("profile",))
    for profile, score in metrics["crs_by_profile"].items():
        crs.labels(profile=profile).set(score)
    open_alerts = gauge("aref_alerts_active", "Open alerts by severity", ("severity",))
    for severity, count in alerts["counts"]["by_severity"].items():
        open_alerts.labels(severity=severity).set(count)
    breakers = absorption.get("breakers", {}).values()
    gauge("aref_breakers_open", "Circuit breakers in the OPEN state").set(
        sum(b.get("state") == "open" for b in breakers)
    )
    running = gauge("aref_replicas_running", "Replicas serving, per service", ("service",))
    target = gauge("aref_replicas_target", "Replicas asked for, per service", ("service",))
    faults = gauge("aref_faults_active", "Active chaos faults, per service", ("service",))
    for service in services["services"]:
        name = service["name"]
        running.labels(service=name).set(service["replicas"]["running"])
        target.labels(service=name).set(service["replicas"]["target"])
        faults.labels(service=name).set(sum(f["service"] == name for f in chaos["active"]))
    gauge("aref_availability", "Good / total events over the SLO windows").set(metrics["availability"]["overall"])
    for key, measured, doc in (("mttd", metrics["mttd"], "detect"), ("mttr", metrics["mttr"], "recover")):
        if measured["seconds"] is not None:
            gauge(f"aref_{key}_seconds", f"Mean time to {doc}, seconds").set(measured["seconds"])
    return registry
