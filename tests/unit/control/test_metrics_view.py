"""MTTD/MTTR over measured incidents, availability and error budgets from the SLO trackers."""

from __future__ import annotations

from typing import Any

from aref.control.metrics_view import availability_view, error_budgets, metrics_view
from aref.evolution.measured import measured_incidents
from aref.models import Incident, IncidentSeverity
from tests.unit.dashboard.conftest import make_settings
from tests.unit.evolution.test_measured import alert


def slo(service: str, events: int, bad: int, consumed: float, sli: str = "availability") -> dict[str, Any]:
    return {
        "name": f"{service}.{sli}",
        "service": service,
        "sli": sli,
        "target": 0.99,
        "events": events,
        "bad_events": bad,
        "budget_consumed": consumed,
        "budget_remaining": max(0.0, 1 - consumed),
        "experiment_bad_events": 0,
        "budget_remaining_outside_experiments": max(0.0, 1 - consumed),
    }


STORED = Incident(
    "INC-1",
    "payments down",
    "payments",
    IncidentSeverity.SEV1,
    100.0,
    "COR-S",
    detected_at=130.0,
    resolved_at=400.0,
    onset_witness="clients",
)
FROM = {"clients": 1, "probes": 0, "breaching_sample": 1}


def test_metrics_view_computes_mttd_and_mttr() -> None:
    alerts = [alert("A1", "COR-A", onset=10.0, fired=20.0, resolved=70.0)]
    view = metrics_view(
        incidents=measured_incidents([STORED], alerts),
        slos=[slo("orders", 100, 5, 5.0)],
        crs_by_profile={"balanced": 3.0, "availability_critical": 2.0},
        settings=make_settings(),
        at=500.0,
    )
    assert view["mttd"] == {
        "seconds": 20.0,
        "target_seconds": 300.0,
        "incidents": 2,
        "meets_target": True,
        "measured_from": FROM,
    }
    assert view["mttr"] == {
        "seconds": 180.0,
        "target_seconds": 900.0,
        "incidents": 2,
        "meets_target": True,
        "measured_from": FROM,
    }
    assert (view["crs"], view["crs_percent_by_profile"]) == (3.0, {"balanced": 50.0, "availability_critical": 25.0})
    assert view["availability"]["overall"] == 0.95


def test_nothing_measured_is_none_not_zero() -> None:
    view = metrics_view(incidents=[], slos=[], crs_by_profile={"balanced": 1.0}, settings=make_settings(), at=0.0)
    assert view["mttd"] == {
        "seconds": None,
        "target_seconds": 300.0,
        "incidents": 0,
        "meets_target": None,
        "measured_from": {"clients": 0, "probes": 0, "breaching_sample": 0},
    }
    assert view["availability"] == {"overall": 1.0, "good": 0, "total": 0, "services": {}}
    assert view["error_budgets"] == []


def test_availability_sums_the_availability_slos_per_service() -> None:
    view = availability_view(
        [slo("orders", 100, 10, 1.0), slo("orders", 50, 0, 0.0), slo("orders", 9, 9, 1.0, "latency")]
    )
    assert view["services"] == {"orders": {"availability": 140 / 150, "good": 140, "total": 150}}


def test_an_infinitely_burnt_budget_is_none() -> None:
    budgets = error_budgets([slo("orders", 10, 1, float("inf"))])
    assert budgets == [
        {
            "slo": "orders.availability",
            "service": "orders",
            "target": 0.99,
            "events": 10,
            "bad_events": 1,
            "consumed": None,
            "remaining": 0.0,
            "experiment_bad_events": 0,
            "remaining_outside_experiments": 0.0,
        }
    ]
