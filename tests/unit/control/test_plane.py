"""The control plane over the in-process transport, on a fake clock (the contract suite covers both transports)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.models import HealthSample
from aref.testing import FakeClock
from tests.unit.dashboard.conftest import make_settings

run = asyncio.run


def failing(plane: ControlPlane, clock: FakeClock, service: str, seconds: int, errors: int = 50) -> None:
    for _ in range(seconds):
        clock.advance(1)
        plane.transport.ingest(HealthSample(service, clock.now(), 100, errors))


def test_a_fresh_plane_has_no_fault(plane: ControlPlane) -> None:
    assert run(plane.chaos_status()) == {"version": 0, "active": [], "recent": []}


def test_a_fault_rolls_back_by_itself_when_it_expires(plane: ControlPlane, clock: FakeClock) -> None:
    started = run(plane.start_experiment("inventory_degradation"))
    assert (started["remaining_s"], started["expires_at"] - started["started_at"]) == (60.0, 60.0)
    clock.advance(30)
    halfway = run(plane.chaos_status())
    assert [f["remaining_s"] for f in halfway["active"]] == [30.0]
    clock.advance(30)
    status = run(plane.chaos_status())
    assert status["active"] == []
    assert [(f["fault_id"], f["experiment"], f["end_reason"], f["ended_at"]) for f in status["recent"]] == [
        (started["fault_id"], "inventory_degradation", "expired", clock.now())
    ]
    assert status["version"] > halfway["version"]
    chaos = run(plane.timeline(category="chaos"))["events"]
    assert [e["type"] for e in chaos] == ["fault_rolled_back", "fault_injected"]
    assert {e["correlation_id"] for e in chaos} == {started["correlation_id"]}


def test_an_experiment_is_listed_as_running_while_its_fault_is_active(plane: ControlPlane) -> None:
    run(plane.start_experiment("notification_overload"))
    running = [e["name"] for e in run(plane.chaos_experiments())["experiments"] if e["running"]]
    assert running == ["notification_overload"]
    summary = run(plane.status())["chaos"]
    assert summary == {"active_faults": 1, "services": ["notifications"], "experiments": ["notification_overload"]}
    assert [f["service"] for f in run(plane.stop_chaos())["stopped"]] == ["notifications"]
    assert not any(e["running"] for e in run(plane.chaos_experiments())["experiments"])


def test_an_ad_hoc_fault_is_validated_by_the_fault_model(plane: ControlPlane) -> None:
    with pytest.raises(NotFoundError):
        run(plane.inject_fault("billing", "error", 0.5, 10))
    with pytest.raises(InvalidInputError) as err:
        run(plane.inject_fault("orders", "error", 0.95, 10))
    assert err.value.field == "rate"
    fault = run(plane.inject_fault("orders", "timeout", 0.2, 10))
    assert (fault["delay_ms"], fault["experiment"], fault["state"]) == (30000.0, None, "active")


def test_an_experiment_already_running_is_a_conflict(plane: ControlPlane) -> None:
    run(plane.start_experiment("payment_provider_failure"))
    with pytest.raises(ConflictError):
        run(plane.start_experiment("payment_provider_failure"))
    run(plane.start_experiment("cascading_failure"))  # another experiment may hit the same service
    assert [f["experiment"] for f in run(plane.chaos_status())["active"]] == [
        "payment_provider_failure",
        "cascading_failure",
    ]


def test_scaling_sets_the_target_tells_adaptation_and_logs_it(plane: ControlPlane) -> None:
    assert run(plane.scale("payments", 3)) == {"service": "payments", "running": 3, "target": 3, "min": 1, "max": 4}
    payments = next(s for s in run(plane.services())["services"] if s["name"] == "payments")
    assert payments["replicas"] == {
        "running": 3,
        "target": 3,
        "running_ids": list(plane.transport.fleet.count("payments").replica_ids),
    }
    assert len(set(payments["replicas"]["running_ids"])) == 3
    assert run(plane.adaptation())["scaling"]["payments"]["current"] == 3
    event = run(plane.timeline(category="system"))["events"][0]
    assert (event["type"], event["payload"]) == (
        "replicas_scaled",
        {"service": "payments", "previous": 1, "replicas": 3, "actor": "human"},
    )


@pytest.mark.parametrize("replicas", [0, 5, True])
def test_scaling_outside_the_bounds_is_refused(plane: ControlPlane, replicas: int) -> None:
    with pytest.raises(InvalidInputError) as err:
        run(plane.scale("payments", replicas))
    assert err.value.field == "replicas"
    assert plane.transport.fleet.count("payments").target == 1


def test_an_unknown_service_is_not_found_before_any_bound(plane: ControlPlane) -> None:
    with pytest.raises(NotFoundError):
        run(plane.scale("billing", 99))


def test_flags_and_traffic_go_through_adaptation(plane: ControlPlane) -> None:
    flag = run(plane.set_flag("payments.core_api", False))
    assert (flag["critical"], flag["enabled"], flag["changed_by"]) == (True, False, "human")
    assert run(plane.set_traffic("payments", {"backup": 100})) == {
        "service": "payments",
        "weights": {"primary": 0, "backup": 100},
    }
    types = [e["type"] for e in run(plane.timeline(category="adaptation"))["events"]]
    assert types == ["traffic_shifted", "flag_changed"]


def test_alerts_are_acknowledged_and_resolved(plane: ControlPlane, clock: FakeClock) -> None:
    failing(plane, clock, "orders", seconds=3)
    alerts = run(plane.alerts())
    threshold = next(a for a in alerts["active"] if a["detector"] == "threshold")
    acked = run(plane.ack_alert(threshold["id"]))
    assert (acked["state"], acked["acked_at"]) == ("acknowledged", clock.now())
    assert run(plane.alerts())["counts"]["acknowledged"] == 1
    resolved = run(plane.resolve_alert(threshold["id"]))
    assert resolved["state"] == "resolved"
    assert threshold["id"] in [a["id"] for a in run(plane.alerts())["recent_resolved"]]


def test_status_counts_open_alerts_and_active_recoveries(plane: ControlPlane, clock: FakeClock) -> None:
    failing(plane, clock, "payments", seconds=3, errors=80)
    status = run(plane.status())
    assert status["alerts"]["by_severity"]["emergency"] == 1
    assert status["alerts"]["open"] == len(run(plane.alerts())["active"])
    assert status["active_recoveries"] == 1


def test_metrics_read_availability_from_the_slo_trackers(plane: ControlPlane, clock: FakeClock) -> None:
    failing(plane, clock, "payments", seconds=2, errors=20)
    availability = run(plane.metrics())["availability"]
    assert availability["services"]["payments"] == {"availability": 0.8, "good": 160, "total": 200}
    assert availability["services"]["orders"] == {"availability": 1.0, "good": 0, "total": 0}
    assert (availability["overall"], availability["good"], availability["total"]) == (0.8, 160, 200)


def test_maturity_uses_the_requested_profile(plane: ControlPlane) -> None:
    default = run(plane.maturity())
    chosen = run(plane.maturity("availability_critical"))
    assert (default["profile"], chosen["profile"]) == ("balanced", "availability_critical")
    assert chosen["crs"] == chosen["crs_by_profile"]["availability_critical"]
    automated = next(c for c in chosen["pillars"]["recovery"]["criteria"] if c["id"] == "recovery.automated_t0_t1")
    assert (automated["holds"], automated["evidence"]) == (False, [])  # no runbook run performed yet


def test_the_configured_risk_profile_drives_status(clock: FakeClock) -> None:
    plane = local_control_plane(make_settings(risk_profile="innovation_heavy"), clock)
    status = run(plane.status())
    assert status["risk_profile"] == "innovation_heavy"
    assert status["crs"] == status["crs_by_profile"]["innovation_heavy"]


def test_reads_run_the_periodic_work_that_is_due(plane: ControlPlane, clock: FakeClock) -> None:
    run(plane.start_experiment("inventory_degradation"))
    clock.advance(59.5)
    assert len(run(plane.chaos_status())["active"]) == 1
    clock.advance(0.5)
    assert run(plane.chaos_status())["active"] == []


def test_telemetry_of_an_unknown_service_is_not_found(plane: ControlPlane, clock: FakeClock) -> None:
    with pytest.raises(NotFoundError):
        plane.transport.ingest(HealthSample("billing", clock.now(), 1, 0))


def test_one_fault_is_stopped_and_the_others_keep_running(plane: ControlPlane, clock: FakeClock) -> None:
    inventory = run(plane.start_experiment("inventory_degradation"))
    payments = run(plane.start_experiment("payment_provider_failure"))
    clock.advance(10)
    stopped = run(plane.stop_fault(inventory["fault_id"]))
    assert stopped == {
        **inventory,
        "remaining_s": 0.0,
        "state": "rolled_back",
        "ended_at": clock.now(),
        "end_reason": "stopped by request",
    }
    status = run(plane.chaos_status())
    assert [f["fault_id"] for f in status["active"]] == [payments["fault_id"]]
    assert [(f["fault_id"], f["end_reason"]) for f in status["recent"]] == [
        (inventory["fault_id"], "stopped by request")
    ]
    rolled_back = run(plane.timeline(category="chaos"))["events"][0]
    assert (rolled_back["type"], rolled_back["correlation_id"]) == ("fault_rolled_back", inventory["correlation_id"])


def test_stopping_an_unknown_or_ended_fault_is_not_found(plane: ControlPlane, clock: FakeClock) -> None:
    with pytest.raises(NotFoundError):
        run(plane.stop_fault("FLT-nope"))
    fault = run(plane.start_experiment("inventory_degradation"))
    clock.advance(60)
    with pytest.raises(NotFoundError):
        run(plane.stop_fault(fault["fault_id"]))  # it expired first: the record says so, not "stopped"
    assert [f["end_reason"] for f in run(plane.chaos_status())["recent"]] == ["expired"]


def test_run_records_are_kept_in_the_store_newest_first(plane: ControlPlane) -> None:
    assert run(plane.save_run({"id": "RUN-1", "experiment": "a", "passed": True})) == {"id": "RUN-1"}
    assert run(plane.save_run({"id": "RUN-2", "experiment": "b", "passed": False})) == {"id": "RUN-2"}
    assert plane.transport.store.get("experiment_runs", "RUN-1") == {"id": "RUN-1", "experiment": "a", "passed": True}
    assert [r["id"] for r in run(plane.runs())] == ["RUN-2", "RUN-1"]
    assert [r["id"] for r in run(plane.runs(limit=1))] == ["RUN-2"]
    with pytest.raises(InvalidInputError) as caught:
        run(plane.save_run({"experiment": "c"}))
    assert caught.value.field == "id"


@pytest.mark.parametrize("read", ["status", "metrics", "maturity"])
def test_a_view_reads_each_pillar_once(plane: ControlPlane, monkeypatch: pytest.MonkeyPatch, read: str) -> None:
    """On Ray each read is an actor round trip: the alerts, the incidents and each pillar's facts once per request."""
    calls: list[str] = []
    for name, method in (("detection", "alerts"), ("evolution", "incidents"), ("detection", "facts")):
        service = plane.transport.service(name)
        original = getattr(service, method)

        async def counted(*args: object, _original: Any = original, _name: str = f"{name}.{method}") -> Any:
            calls.append(_name)
            return await _original(*args)

        monkeypatch.setattr(service, method, counted)
    run(getattr(plane, read)())
    assert sorted(calls) == ["detection.alerts", "detection.facts", "evolution.incidents"]
