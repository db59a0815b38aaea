"""``aref services``, ``scale`` and ``flags`` against the real API over the in-memory engines."""

from __future__ import annotations

import asyncio

from aref.control.plane import ControlPlane
from tests.unit.cli.conftest import Harness, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run


def test_services_shows_health_replicas_tier_and_telemetry(harness: Harness, plane: ControlPlane) -> None:
    fault = run(plane.start_experiment("inventory_degradation"))
    run_traffic(plane, harness.clock, 5)
    out = harness.invoke("services").output
    assert row(out, "gateway") == ["gateway", "healthy", "1/1", "full", "0", "0", "40", "0%", "25", "-"]
    inventory = row(out, "inventory")
    view = next(s for s in run(plane.services())["services"] if s["name"] == "inventory")
    assert inventory[:8] == [
        "inventory",
        view["status"],
        "1/1",
        view["degradation_tier"],
        str(view["open_alerts"]),
        "1",
        "40",
        "60%",
    ]
    assert inventory[9] == "; ".join(view["reasons"])
    assert fault["fault_id"] in view["active_faults"]


def test_scale_sets_the_target_and_reports_the_bounds(harness: Harness, plane: ControlPlane) -> None:
    low, high = plane.settings.adaptation.min_replicas, plane.settings.adaptation.max_replicas
    result = harness.invoke("scale", "payments", "3")
    assert result.exit_code == 0
    assert result.output.strip() == f"payments: target 3 replicas (running 3; bounds {low}..{high})"
    assert plane.transport.fleet.count("payments").target == 3


def test_scale_shows_the_api_refusal_and_exits_2(harness: Harness, plane: ControlPlane) -> None:
    high = plane.settings.adaptation.max_replicas
    result = harness.invoke("scale", "payments", str(high + 1))
    assert result.exit_code == 2
    low = plane.settings.adaptation.min_replicas
    expected = f"error 422: replicas: must be an integer between {low} and {high}, got {high + 1}"
    assert result.stderr.strip() == expected
    assert plane.transport.fleet.count("payments").target == 1


def test_scale_of_an_unknown_service_is_not_found(harness: Harness) -> None:
    result = harness.invoke("scale", "billing", "2")
    assert (result.exit_code, result.stderr.strip()) == (2, "error 404: unknown service: 'billing'")


def test_scale_json_is_the_replica_view(harness: Harness, plane: ControlPlane) -> None:
    low, high = plane.settings.adaptation.min_replicas, plane.settings.adaptation.max_replicas
    expected = {"service": "orders", "running": 2, "target": 2, "min": low, "max": high}
    assert harness.json("scale", "orders", "2") == expected


def test_flags_lists_every_flag_with_its_state(harness: Harness, plane: ControlPlane) -> None:
    run(plane.set_flag("payments.analytics", False))
    out = harness.invoke("flags").output
    flags = run(plane.adaptation())["flags"]
    assert row(out, "payments.core_api") == ["payments.core_api", "payments", "core_api", "on", "yes", "-", "-", "-"]
    changed = row(out, "payments.analytics")
    assert changed[:6] == ["payments.analytics", "payments", "analytics", "off", "no", "human"]
    listed = sum(1 for name in flags if f"  {name}  " in out)
    assert listed == len(flags) == 14  # 2 per service, 1 more on the gateway, 3 on notifications


def test_flags_set_changes_the_flag(harness: Harness, plane: ControlPlane) -> None:
    result = harness.invoke("flags", "set", "notifications.search", "off")
    assert result.output.strip() == "notifications.search is now off (changed by human)"
    assert run(plane.adaptation())["flags"]["notifications.search"]["enabled"] is False
    assert harness.json("flags", "set", "notifications.search", "on")["enabled"] is True


def test_flags_set_of_an_unknown_flag_shows_the_api_message(harness: Harness) -> None:
    result = harness.invoke("flags", "set", "nope.flag", "on")
    assert result.exit_code == 2
    assert result.stderr.startswith("error 404: ")
    assert "nope.flag" in result.stderr


def test_a_flag_that_changed_nothing_is_gone(harness: Harness) -> None:
    result = harness.invoke("flags", "set", "orders.search", "off")
    assert (result.exit_code, result.stderr.strip()) == (2, "error 404: unknown flag: 'orders.search'")


def test_flags_set_accepts_only_on_or_off(harness: Harness) -> None:
    result = harness.invoke("flags", "set", "orders.analytics", "maybe")
    assert result.exit_code == 2
    assert "'maybe' is not one of 'on', 'off'" in result.output


def test_flags_json_is_the_adaptation_flags(harness: Harness, plane: ControlPlane) -> None:
    assert harness.json("flags") == run(plane.adaptation())["flags"]
