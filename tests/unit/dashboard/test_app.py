"""create_app: every endpoint answers with its response model; a whole incident through the API."""

from __future__ import annotations

from typing import get_type_hints

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from aref.config import DetectionSettings
from aref.control import wire
from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app, render_index
from aref.errors import InvalidInputError
from aref.testing import FakeClock
from aref.topology import SERVICES
from tests.unit.dashboard.conftest import make_settings
from tests.unit.dashboard.traffic import run_traffic

GETS: list[tuple[str, type]] = [
    ("/api/aref/status", wire.StatusView),
    ("/api/aref/services", wire.ServicesView),
    ("/api/aref/alerts", wire.AlertsView),
    ("/api/aref/timeline", wire.TimelineView),
    ("/api/aref/detection", wire.DetectionView),
    ("/api/aref/absorption", wire.AbsorptionView),
    ("/api/aref/adaptation", wire.AdaptationView),
    ("/api/aref/recovery", wire.RecoveryView),
    ("/api/aref/evolution", wire.EvolutionView),
    ("/api/aref/maturity", wire.MaturityView),
    ("/api/aref/metrics", wire.MetricsView),
    ("/api/aref/chaos/experiments", wire.ExperimentsView),
    ("/api/aref/chaos/status", wire.ChaosStatusView),
]


@pytest.mark.parametrize(("path", "shape"), GETS, ids=[p for p, _ in GETS])
def test_every_read_endpoint_answers_with_its_shape(client: TestClient, path: str, shape: type) -> None:
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert set(get_type_hints(shape)) <= set(body)
    TypeAdapter(shape).validate_python(body)


def test_status_reports_all_pillars_and_profiles(client: TestClient) -> None:
    body = client.get("/api/aref/status").json()
    assert set(body["pillars"]) == {"detection", "absorption", "adaptation", "recovery", "evolution"}
    assert set(body["crs_by_profile"]) == {
        "balanced",
        "availability_critical",
        "data_integrity_critical",
        "innovation_heavy",
    }
    assert body["risk_profile"] == "balanced"
    assert body["crs"] == body["crs_by_profile"]["balanced"]
    assert body["chaos"] == {"active_faults": 0, "services": [], "experiments": []}


def test_services_list_every_service_with_running_beside_target(client: TestClient) -> None:
    services = client.get("/api/aref/services").json()["services"]
    assert [s["name"] for s in services] == list(SERVICES)
    assert all(s["replicas"]["running"] == s["replicas"]["target"] == 1 for s in services)
    assert all(len(s["replicas"]["running_ids"]) == 1 for s in services)
    assert all(s["status"] == "healthy" for s in services)


def test_mutating_endpoints_answer_with_their_models(client: TestClient) -> None:
    scaled = client.post("/api/aref/services/orders/scale", json={"replicas": 3})
    assert scaled.json() == {"service": "orders", "running": 3, "target": 3, "min": 1, "max": 4}
    flag = client.post("/api/aref/adaptation/flags/orders.analytics", json={"enabled": False}).json()
    assert (flag["name"], flag["enabled"], flag["changed_by"], flag["critical"]) == (
        "orders.analytics",
        False,
        "human",
        False,
    )
    traffic = client.post("/api/aref/adaptation/traffic/orders", json={"weights": {"primary": 70, "backup": 30}})
    assert traffic.json() == {"service": "orders", "weights": {"primary": 70, "backup": 30}}
    fault = client.post(
        "/api/aref/chaos/start",
        json={"service": "inventory", "fault_type": "latency", "rate": 0.5, "duration_s": 30},
    ).json()
    assert (fault["service"], fault["fault_type"], fault["delay_ms"], fault["state"]) == (
        "inventory",
        "latency",
        3000.0,
        "active",
    )
    stopped = client.post("/api/aref/chaos/stop").json()["stopped"]
    assert [(f["fault_id"], f["state"]) for f in stopped] == [(fault["fault_id"], "rolled_back")]
    adaptation = client.get("/api/aref/adaptation").json()
    orders = adaptation["replicas"]["orders"]
    assert (orders["running"], orders["target"], len(set(orders["running_ids"]))) == (3, 3, 3)
    assert adaptation["traffic"]["orders"] == {"primary": 70, "backup": 30}
    assert adaptation["flags"]["orders.analytics"]["enabled"] is False


def test_the_experiment_list_is_the_seed_registry(client: TestClient) -> None:
    experiments = client.get("/api/aref/chaos/experiments").json()["experiments"]
    assert [e["name"] for e in experiments] == [  # the YAML files, by name
        "cascading_failure",
        "inventory_degradation",
        "notification_overload",
        "order_service_latency",
        "payment_provider_failure",
        "replica_crash",
    ]
    assert not any(e["running"] for e in experiments)


def test_prometheus_endpoint_serves_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'aref_replicas_running{service="payments"} 1.0' in response.text


def test_landing_page_links_the_api_and_the_ray_dashboard(plane: ControlPlane) -> None:
    settings = make_settings(ray_dashboard_url="http://head.example:8265/?a=1&b=2")
    page = TestClient(create_app(plane, settings=settings)).get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="http://head.example:8265/?a=1&amp;b=2"' in page.text
    assert "/api/aref/status" in page.text
    assert "{{RAY_DASHBOARD_URL}}" not in page.text


def test_a_non_http_ray_dashboard_url_is_refused() -> None:
    with pytest.raises(InvalidInputError) as err:
        render_index("javascript:alert(1)")
    assert err.value.field == "AREF_RAY_DASHBOARD_URL"


def test_a_whole_incident_through_the_api() -> None:
    settings = make_settings(detection=DetectionSettings(burn_rate_window_scale=0.001))
    clock = FakeClock()
    plane = local_control_plane(settings, clock)
    client = TestClient(create_app(plane, settings=settings))

    fault = client.post("/api/aref/chaos/start", json={"experiment": "cascading_failure"}).json()
    assert (fault["service"], fault["rate"], fault["duration_s"]) == ("payments", 0.9, 180.0)
    run_traffic(plane, clock, ticks=5)  # 90 of 100 payments requests fail every second

    alerts = client.get("/api/aref/alerts").json()
    assert {(a["service"], a["metric"]) for a in alerts["active"]} == {("payments", "error_rate")}  # burn: apart
    error_alert = next(a for a in alerts["active"] if a["metric"] == "error_rate")
    assert (error_alert["severity"], error_alert["value"], error_alert["state"]) == ("emergency", 0.9, "firing")
    payments = next(s for s in client.get("/api/aref/services").json()["services"] if s["name"] == "payments")
    assert (payments["status"], payments["active_faults"]) == ("critical", [fault["fault_id"]])
    incident = client.get("/api/aref/timeline", params={"correlation_id": error_alert["correlation_id"]}).json()
    topics = {e["topic"] for e in incident["events"]}
    assert {"detection.alert_fired", "adaptation.strategy_executed", "recovery.recovery_started"} <= topics

    stopped = client.post("/api/aref/chaos/stop").json()["stopped"]
    assert [(f["fault_id"], f["end_reason"]) for f in stopped] == [(fault["fault_id"], "stopped by request")]
    run_traffic(plane, clock, ticks=30)  # healthy again: the burn-rate windows drain

    assert client.get("/api/aref/alerts").json()["active"] == []
    assert client.get("/api/aref/chaos/status").json()["active"] == []
    assert client.get("/api/aref/recovery").json()["total_recovered"] == 1
    assert client.get("/api/aref/evolution").json()["reviews"]["total"] == 1
    metrics = client.get("/api/aref/metrics").json()
    assert (metrics["mttr"]["incidents"], metrics["mttr"]["meets_target"]) == (1, True)


def test_a_manual_scale_is_kept_by_the_autoscaler(client: TestClient) -> None:
    assert client.post("/api/aref/services/orders/scale", json={"replicas": 3}).status_code == 200
    scaling = client.get("/api/aref/adaptation").json()["scaling"]["orders"]
    assert (scaling["desired"], scaling["floor"]) == (3, 3)
