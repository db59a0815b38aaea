"""``aref alerts`` (list, ack, resolve) and ``aref timeline`` against the real API."""

from __future__ import annotations

import asyncio

from aref.cli.render import brief, when
from aref.control.plane import ControlPlane
from aref.control.wire import AlertView
from tests.unit.cli.conftest import Harness, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run


def firing(plane: ControlPlane, harness: Harness) -> list[AlertView]:
    run(plane.start_experiment("cascading_failure"))
    run_traffic(plane, harness.clock, 5)
    return run(plane.alerts())["active"]


def test_alerts_says_why_the_tables_are_empty(harness: Harness) -> None:
    out = harness.invoke("alerts").output
    assert out.splitlines() == [
        "Active alerts: no alert is firing or acknowledged",
        "Recently resolved: no alert resolved yet",
    ]


def test_alerts_lists_every_active_alert(harness: Harness, plane: ControlPlane) -> None:
    active = firing(plane, harness)
    out = harness.invoke("alerts").output
    assert len(active) == 1  # the threshold alert; the fault's burn pages nobody
    for a in active:
        assert row(out, a["id"]) == [
            a["id"],
            "payments",
            a["metric"],
            a["detector"],
            a["severity"],
            "firing",
            f"{a['value']:.4g}",
            f"{a['threshold']:.4g}",
            when(a["fired_at"]),
            a["correlation_id"],
        ]


def test_ack_then_resolve_move_the_alert(harness: Harness, plane: ControlPlane) -> None:
    alert = firing(plane, harness)[0]
    acked = harness.invoke("alerts", "ack", alert["id"])
    expected = f"{alert['id']} (payments {alert['metric']}, {alert['severity']}) is now acknowledged"
    assert (acked.exit_code, acked.output.strip()) == (0, expected)
    assert run(plane.alerts())["counts"]["acknowledged"] == 1
    resolved = harness.json("alerts", "resolve", alert["id"])
    assert (resolved["id"], resolved["state"]) == (alert["id"], "resolved")
    out = harness.invoke("alerts").output
    assert row(out.split("Recently resolved")[1], alert["id"])[5] == "resolved"


def test_ack_of_an_unknown_alert_shows_the_api_message(harness: Harness) -> None:
    result = harness.invoke("alerts", "ack", "ALR-nope")
    assert (result.exit_code, result.stderr.strip()) == (2, "error 404: unknown alert: 'ALR-nope'")


def test_alerts_json_is_the_alerts_view(harness: Harness, plane: ControlPlane) -> None:
    firing(plane, harness)
    assert harness.json("alerts") == run(plane.alerts())


def test_timeline_filters_and_limits(harness: Harness, plane: ControlPlane) -> None:
    active = firing(plane, harness)
    view = run(plane.timeline(category="chaos", limit=50))
    out = harness.invoke("timeline", "--category", "chaos").output
    event = view["events"][0]
    assert row(out, when(event["timestamp"])) == [
        when(event["timestamp"]),
        "warning",
        "chaos.fault_injected",
        event["source"],
        event["correlation_id"],
        brief(event["payload"]),
    ]
    assert out.splitlines()[-1] == f"showing 1 of 1 matching events ({view['retained']} retained)"
    limited = harness.json("timeline", "--limit", "3", "--correlation-id", active[0]["correlation_id"])
    assert len(limited["events"]) == 3
    assert {e["correlation_id"] for e in limited["events"]} == {active[0]["correlation_id"]}
    assert limited["matched"] == run(plane.timeline(correlation_id=active[0]["correlation_id"]))["matched"]


def test_timeline_says_when_nothing_matches(harness: Harness) -> None:
    out = harness.invoke("timeline", "--severity", "emergency").output
    assert out.splitlines() == [
        "Timeline (newest first): no event matches these filters",
        "showing 0 of 0 matching events (0 retained)",
    ]


def test_timeline_checks_its_options_before_calling(harness: Harness) -> None:
    for args in (["--limit", "0"], ["--category", "bogus"], ["--severity", "loud"]):
        assert harness.invoke("timeline", *args).exit_code == 2
