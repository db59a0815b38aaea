"""The pure view builders: service health, alert state, faults, status."""

from __future__ import annotations

from typing import Any

from aref import __version__
from aref.absorption.degradation import DegradationTier
from aref.control.pillars.chaos import FaultRecord
from aref.control.ports import ReplicaCount
from aref.control.views import alert_counts, alert_view, fault_view, service_view, status_view
from aref.control.wire import AlertView, MaturityView
from aref.detection.alerts import Alert
from aref.records import from_record
from aref.topology import DEMO_TOPOLOGY
from chaos.faults import ActiveFault, FaultSpec, FaultType


def alert(severity: str = "critical", **overrides: Any) -> AlertView:
    record = {
        "id": "ALR-1",
        "fingerprint": "fp",
        "service": "payments",
        "metric": "error_rate",
        "detector": "threshold",
        "detection_class": "threshold",
        "severity": severity,
        "value": 0.5,
        "threshold": 0.15,
        "onset_at": 10.0,
        "fired_at": 12.0,
        "last_seen": 12.0,
        "correlation_id": "COR-1",
        "count": 1,
        "acked_at": None,
        "resolved_at": None,
        "actioned_at": None,
        **overrides,
    }
    return alert_view(record)


def typed_alert(severity: str = "critical") -> Alert:
    view = dict(alert(severity))
    view.pop("state")
    return from_record(Alert, view)


def test_alert_state_follows_its_timestamps() -> None:
    assert alert()["state"] == "firing"
    assert alert(acked_at=13.0)["state"] == "acknowledged"
    assert alert(acked_at=13.0, resolved_at=14.0)["state"] == "resolved"


def test_alert_counts() -> None:
    counts = alert_counts([alert("warning"), alert("critical", acked_at=1.0), alert("critical")])
    assert counts == {
        "open": 3,
        "firing": 2,
        "acknowledged": 1,
        "by_severity": {"info": 0, "warning": 1, "critical": 2, "emergency": 0},
    }


def test_a_quiet_service_is_healthy_with_its_neighbours() -> None:
    view = service_view(
        "payments",
        topology=DEMO_TOPOLOGY,
        replicas=ReplicaCount("payments", 2, 2, "RUNNING", ("a", "b")),
        tier=DegradationTier.FULL,
        open_alerts=[],
        fault_ids=["FLT-1"],
        telemetry=None,
    )
    assert (view["status"], view["reasons"], view["active_faults"]) == ("healthy", [], ["FLT-1"])
    assert (view["dependencies"], view["dependents"]) == ([], ["gateway"])
    assert view["version"] == __version__


def test_health_and_reasons_come_from_the_observations() -> None:
    view = service_view(
        "payments",
        topology=DEMO_TOPOLOGY,
        replicas=ReplicaCount("payments", 2, 1, "RUNNING", ("r1",)),
        tier=DegradationTier.REDUCED,
        open_alerts=[typed_alert("critical")],
        fault_ids=[],
        telemetry=None,
    )
    assert view["status"] == "critical"
    assert view["reasons"] == [
        "1 of 2 replicas running",
        "critical alert ALR-1 on error_rate",
        "degradation tier reduced",
    ]
    assert (view["replicas"], view["degradation_tier"]) == (
        {"running": 1, "target": 2, "running_ids": ["r1"]},
        "reduced",
    )


def test_an_unknown_replica_count_is_down() -> None:
    view = service_view(
        "payments", topology=DEMO_TOPOLOGY, replicas=None, tier=None, open_alerts=[], fault_ids=[], telemetry=None
    )
    assert (view["status"], view["replicas"]) == ("down", {"running": 0, "target": 0, "running_ids": []})


def test_a_service_outside_the_graph_has_no_neighbours() -> None:
    view = service_view(
        "search",
        topology=DEMO_TOPOLOGY,
        replicas=ReplicaCount("search", 1, 1, "RUNNING", ("a",)),
        tier=None,
        open_alerts=[],
        fault_ids=[],
        telemetry=None,
    )
    assert (view["dependencies"], view["dependents"]) == ([], [])


def test_fault_view_active_and_rolled_back() -> None:
    fault = ActiveFault("FLT-1", FaultSpec("orders", FaultType.LATENCY, 0.5, 60.0, 200.0), 100.0, 160.0, "CHX-1")
    active = fault_view(FaultRecord(fault, "x"), 130.0)
    assert (active["state"], active["remaining_s"], active["delay_ms"], active["experiment"]) == (
        "active",
        30.0,
        200.0,
        "x",
    )
    ended = fault_view(FaultRecord(fault, None, ("r1",), ended_at=135.0, end_reason="stopped"), 140.0)
    assert (ended["state"], ended["remaining_s"], ended["ended_at"]) == ("rolled_back", 0.0, 135.0)
    assert ended["replicas_killed"] == ["r1"]
    assert fault_view(FaultRecord(fault, None), 500.0)["remaining_s"] == 0.0


def test_status_view_takes_the_crs_of_the_assessment() -> None:
    maturity: MaturityView = {
        "profile": "balanced",
        "crs": 2.5,
        "crs_percent": 37.5,
        "crs_by_profile": {"balanced": 2.5, "innovation_heavy": 2.0},
        "pillars": {"detection": {"level": 3, "label": "Defined", "gaps": []}},
        "facts": {},
    }
    active = fault_view(
        FaultRecord(ActiveFault("FLT-1", FaultSpec("orders", FaultType.ERROR, 0.5, 60.0), 0.0, 60.0), None), 1.0
    )
    view = status_view(
        maturity=maturity,
        risk_profile="balanced",
        active_alerts=[alert()],
        active_recoveries=2,
        faults=[active],
        at=5.0,
        environment="staging",
        runtime="ray",
    )
    assert (view["crs"], view["crs_percent"], view["active_recoveries"]) == (2.5, 37.5, 2)
    assert (view["environment"], view["runtime"]) == ("staging", "ray")
    assert view["pillars"] == {"detection": {"level": 3, "label": "Defined"}}
    assert view["alerts"]["open"] == 1
    assert view["chaos"] == {"active_faults": 1, "services": ["orders"], "experiments": []}
