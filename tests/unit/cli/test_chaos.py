"""``aref chaos list | run | stop | status`` against the real API; ``run`` watched on the fake clock."""

from __future__ import annotations

import asyncio
import json

import httpx

from aref.cli.errors import EXIT_HYPOTHESIS_FAILED, EXIT_INTERRUPTED
from aref.cli.render import seconds, when
from aref.dashboard.local import LocalControlPlane
from tests.unit.cli.conftest import URL, Harness, forwarding, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run
EXPERIMENT = "inventory_degradation"  # 60 % errors on inventory for 60 s


def traffic_first(harness: Harness, plane: LocalControlPlane, seconds_of_traffic: int) -> None:
    """While ``chaos run`` sleeps: replica traffic for the first seconds, then time passes quietly."""
    fed = [0]

    def on_sleep(interval: float) -> None:
        ticks = min(int(interval), seconds_of_traffic - fed[0])
        run_traffic(plane, harness.clock, ticks)
        fed[0] += ticks
        harness.clock.advance(interval - ticks)

    harness.on_sleep = on_sleep


def test_list_shows_every_experiment_and_which_runs(harness: Harness, plane: LocalControlPlane) -> None:
    run(plane.start_experiment(EXPERIMENT))
    out = harness.invoke("chaos", "list").output
    experiments = run(plane.chaos_experiments())["experiments"]
    assert EXPERIMENT in {e["name"] for e in experiments}
    for e in experiments:
        assert row(out, e["name"]) == [
            e["name"],
            e["service"],
            e["fault_type"],
            f"{e['rate']:.0%}",
            seconds(e["duration_s"]),
            "running" if e["name"] == EXPERIMENT else "-",
            e["hypothesis"],
        ]


def test_status_and_stop_show_the_faults(harness: Harness, plane: LocalControlPlane) -> None:
    assert harness.invoke("chaos", "status").output.splitlines() == [
        "Active faults: no fault is active",
        "Recently rolled back: no fault has ended yet",
    ]
    fault = run(plane.start_experiment(EXPERIMENT))
    harness.clock.advance(10)
    active = row(harness.invoke("chaos", "status").output, fault["fault_id"])
    assert active == [
        fault["fault_id"],
        EXPERIMENT,
        "inventory",
        "error",
        "60%",
        "active",
        when(fault["started_at"]),
        "50.0 s",
        "-",
    ]
    stopped = row(harness.invoke("chaos", "stop").output, fault["fault_id"])
    assert stopped[5:] == ["rolled_back", when(fault["started_at"]), "0.0 s", "stopped by request"]
    assert run(plane.chaos_status())["active"] == []
    assert harness.invoke("chaos", "stop").output.strip() == "Stopped faults: no fault was active"
    assert harness.json("chaos", "status") == run(plane.chaos_status())


def test_run_watches_the_fault_to_its_end_and_passes_when_detected(harness: Harness, plane: LocalControlPlane) -> None:
    traffic_first(harness, plane, seconds_of_traffic=5)
    result = harness.invoke("chaos", "run", EXPERIMENT, "--interval", "5")
    assert result.exit_code == 0, result.output
    assert harness.slept == [5.0] * 12  # 60 s of fault, polled every 5 s
    (fault,) = run(plane.chaos_status())["recent"]
    assert (fault["experiment"], fault["end_reason"]) == (EXPERIMENT, "expired")
    seen = sorted(
        (a for a in run(plane.alerts())["active"] if a["service"] == "inventory"),
        key=lambda a: (a["fired_at"], a["id"]),
    )
    assert seen
    out = result.output
    assert f"fault {fault['fault_id']} on inventory: expired at {when(fault['ended_at'])}" in out
    for alert in seen:
        assert row(out, alert["id"])[-1] == seconds(alert["fired_at"] - fault["started_at"])
    assert (
        out.splitlines()[-1]
        == f"verdict: detected {seconds(seen[0]['fired_at'] - fault['started_at'])} after the injection"
    )


def test_run_fails_the_hypothesis_when_nothing_is_detected(harness: Harness, plane: LocalControlPlane) -> None:
    result = harness.invoke("chaos", "run", EXPERIMENT, "--interval", "10")
    assert result.exit_code == EXIT_HYPOTHESIS_FAILED
    assert harness.slept == [10.0] * 6
    assert "Alerts on inventory: no alert fired on the target" in result.output
    assert result.output.splitlines()[-1] == "verdict: NOT detected: no alert on inventory after the injection"


def test_run_json_reports_the_fault_alerts_and_delay(harness: Harness, plane: LocalControlPlane) -> None:
    traffic_first(harness, plane, seconds_of_traffic=5)
    result = harness.invoke("chaos", "run", EXPERIMENT, "--interval", "5", "--json")
    report = json.loads(result.stdout)
    (fault,) = run(plane.chaos_status())["recent"]
    assert report["fault"] == fault
    assert report["detected"] is True
    assert report["detection_delay_s"] == report["alerts"][0]["fired_at"] - fault["started_at"]
    assert {a["service"] for a in report["alerts"]} == {"inventory"}


def test_ctrl_c_stops_the_chaos_and_exits_130(harness: Harness, plane: LocalControlPlane) -> None:
    def interrupt(interval: float) -> None:
        harness.clock.advance(interval)
        if len(harness.slept) == 2:
            raise KeyboardInterrupt

    harness.on_sleep = interrupt
    result = harness.invoke("chaos", "run", EXPERIMENT)
    assert result.exit_code == EXIT_INTERRUPTED
    assert "interrupted: asked AREF to stop chaos (1 faults rolled back)" in result.output
    status = run(plane.chaos_status())
    assert status["active"] == []
    assert [f["end_reason"] for f in status["recent"]] == ["stopped by request"]


def test_a_lost_connection_mid_run_still_stops_the_chaos(harness: Harness, plane: LocalControlPlane) -> None:
    harness.routes[URL] = forwarding(harness.app, refuse=lambda r: r.url.path == "/api/aref/alerts")
    result = harness.invoke("chaos", "run", EXPERIMENT)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"cannot reach AREF at {URL}: [Errno 111] Connection refused"
    status = run(plane.chaos_status())
    assert status["active"] == []
    assert [(f["experiment"], f["end_reason"]) for f in status["recent"]] == [(EXPERIMENT, "stopped by request")]


def test_run_of_an_unknown_or_running_experiment_shows_the_api_message(
    harness: Harness, plane: LocalControlPlane
) -> None:
    unknown = harness.invoke("chaos", "run", "nope")
    assert (unknown.exit_code, unknown.stderr.strip()) == (2, "error 404: unknown experiment: 'nope'")
    run(plane.start_experiment(EXPERIMENT))
    again = harness.invoke("chaos", "run", EXPERIMENT)
    assert again.exit_code == 2
    assert again.stderr.startswith("error 409: ")
    assert harness.slept == []


def test_forwarding_passes_what_it_does_not_refuse(harness: Harness) -> None:
    client = forwarding(harness.app, refuse=lambda r: False)(URL)
    assert client.get(f"{URL}/api/aref/chaos/status").json() == {"version": 0, "active": [], "recent": []}
    assert isinstance(client, httpx.Client)


def test_a_fault_gone_from_the_board_ends_the_watch(harness: Harness, plane: LocalControlPlane) -> None:
    started = run(plane.start_experiment(EXPERIMENT))
    run(plane.stop_chaos())

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/chaos/start"):
            return httpx.Response(200, json=started)
        if request.url.path.endswith("/chaos/status"):
            return httpx.Response(200, json={"version": 9, "active": [], "recent": []})
        return httpx.Response(200, json={"active": [], "recent_resolved": [], "counts": {}})

    harness.routes[URL] = lambda base_url: httpx.Client(transport=httpx.MockTransport(handle))
    result = harness.invoke("chaos", "run", EXPERIMENT)
    assert result.exit_code == EXIT_HYPOTHESIS_FAILED
    assert f"fault {started['fault_id']} on inventory: no longer on the fault board" in result.output
    assert harness.slept == []
