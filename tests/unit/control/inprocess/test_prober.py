"""The prober in-process: rounds over the simulated fleet and shop, judged by detection, seen in the API."""

from __future__ import annotations

import asyncio

import pytest

from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.models import DetectionClass
from aref.testing import FakeClock
from tests.unit.control.pillars.env import pillar_settings

run = asyncio.run


@pytest.fixture
def plane(clock: FakeClock) -> ControlPlane:
    return local_control_plane(pillar_settings(), clock)


def advance(plane: ControlPlane, clock: FakeClock, seconds: float) -> None:
    for _ in range(int(seconds)):
        clock.advance(1.0)
        run(plane.detection())  # the plane syncs the transport: ticks, rounds, settles


def synthetic(plane: ControlPlane) -> list[dict[str, object]]:
    alerts = run(plane.alerts())
    return [a for a in alerts["active"] if a["detection_class"] == DetectionClass.SYNTHETIC.value]


def test_a_healthy_shop_is_probed_and_raises_nothing(plane: ControlPlane, clock: FakeClock) -> None:
    advance(plane, clock, 10)
    view = run(plane.detection())
    probes = {(p["target"], p["check"]): p for p in view["probes"]}
    assert ("gateway", "order") in probes
    assert all(p["last_ok"] and p["last_ok_at"] is not None for p in probes.values())
    assert synthetic(plane) == []
    assert view["probes_ingested"] > 0


def test_synthetic_orders_are_no_customer_traffic(plane: ControlPlane, clock: FakeClock) -> None:
    advance(plane, clock, 10)
    shop = plane.transport.shop  # type: ignore[attr-defined]
    assert shop.orders == 0
    assert run(plane.detection())["samples_ingested"] == 0  # no telemetry came from the probes


def test_a_service_without_replicas_raises_a_synthetic_emergency(plane: ControlPlane, clock: FakeClock) -> None:
    advance(plane, clock, 4)
    killed_at = clock.now()
    run(plane.transport.fleet.scale("notifications", 0))  # type: ignore[attr-defined]
    advance(plane, clock, 10)
    alerts = [a for a in synthetic(plane) if a["service"] == "notifications"]
    [alert] = alerts
    assert (alert["metric"], alert["severity"]) == ("probe.readyz", "emergency")
    assert alert["fired_at"] - killed_at <= 10.0
    view = {(p["target"], p["check"]): p for p in run(plane.detection())["probes"]}
    assert view[("notifications", "readyz")]["down"] is True
    assert view[("gateway", "order")]["last_ok"] is True  # a receipt that fails never fails the order


def test_a_failing_order_path_raises_a_critical_alert_on_the_order_check(plane: ControlPlane, clock: FakeClock) -> None:
    run(plane.inject_fault("payments", "error", 0.9, 60.0))
    advance(plane, clock, 6)
    [alert] = [a for a in synthetic(plane) if a["metric"] == "probe.order"]
    assert (alert["service"], alert["severity"]) == ("gateway", "critical")
