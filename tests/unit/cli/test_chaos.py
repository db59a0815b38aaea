"""``aref chaos list | stop | status`` against the real API; ``run`` (the experiment runner) over fakes.

``run`` gets its API, load generator and clock through the ``Runtime`` (``run_ports``): scripted
fakes (``tests.unit.chaos.runner_fakes``) for the verdicts and exit codes, the real API app over
HTTP for the whole chain, and the real HTTP ports for an unreachable AREF.
"""

from __future__ import annotations

import asyncio
import json
import signal
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aref.cli.errors import EXIT_HYPOTHESIS_FAILED, EXIT_INTERRUPTED
from aref.cli.render import seconds, when
from aref.control.plane import ControlPlane
from aref.testing import FakeClock
from chaos.http_api import HttpExperimentApi
from chaos.loadgen import ClientRecord, Outcome, TrafficPlan
from chaos.runner_main import RunOptions, RunPorts, raise_interrupt
from tests.unit.chaos.runner_fakes import ScriptedPorts, experiment_file, incident
from tests.unit.cli.conftest import UNREACHABLE, URL, Harness, forwarding, row

run = asyncio.run
EXPERIMENT = "inventory_degradation"  # 60 % errors on inventory for 60 s


def test_list_shows_every_experiment_and_which_runs(harness: Harness, plane: ControlPlane) -> None:
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


def test_status_and_stop_show_the_faults(harness: Harness, plane: ControlPlane) -> None:
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


def test_forwarding_passes_what_it_does_not_refuse(harness: Harness) -> None:
    client = forwarding(harness.app, refuse=lambda r: False)(URL)
    assert client.get(f"{URL}/api/aref/chaos/status").json() == {"version": 0, "active": [], "recent": []}
    assert isinstance(client, httpx.Client)


# -- chaos run: the experiment runner --------------------------------------------------------------

PASSING = [{"detected_within_s": 30}, {"error_rate_below": 0.5}]


@pytest.fixture(autouse=True)
def sigterm_restored() -> Iterator[None]:
    """``chaos run`` installs a SIGTERM handler for the process; put the test runner's back."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.fixture
def ports(harness: Harness) -> ScriptedPorts:
    scripted = ScriptedPorts()
    harness.run_ports = scripted
    return scripted


@pytest.fixture
def yaml_path(tmp_path: Path) -> str:
    return str(experiment_file(tmp_path, PASSING))


def test_run_exits_0_when_every_expectation_holds(harness: Harness, ports: ScriptedPorts, yaml_path: str) -> None:
    incident(ports.api)
    result = harness.invoke("chaos", "run", yaml_path)
    assert result.exit_code == 0, result.output
    (run_id,) = ports.api.saved
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "experiment payment_test on payments",
        "  error budget: 90% of payments-availability left outside experiments (90% with their burn)",
        "  load: 2 orders/s for 200.0 s, warm-up 10.0 s",
    ]
    assert "  injected fault FLT-1 (correlation COR-F)" in lines
    assert lines.count("  observing [..]") == 1  # a line only when a verdict changes
    assert row(result.stdout, "PASS")[1] == "an alert on the target fires within 30 s of the injection"
    assert lines[-1] == f"verdict: PASSED: all 2 expectations held (run {run_id})"
    assert (ports.options[0].url, ports.options[0].gateway_orders_url) == (URL, f"{URL}/gateway/api/orders")
    assert (ports.api.stopped, ports.load.stops, ports.closed) == (["FLT-1"], 1, 1)
    assert signal.getsignal(signal.SIGTERM) is raise_interrupt


def test_run_exits_1_when_an_expectation_fails(harness: Harness, ports: ScriptedPorts, yaml_path: str) -> None:
    result = harness.invoke("chaos", "run", yaml_path)  # no alert ever fires
    assert result.exit_code == EXIT_HYPOTHESIS_FAILED
    (run_id,) = ports.api.saved
    assert row(result.stdout, "FAIL")[1] == "an alert on the target fires within 30 s of the injection"
    assert result.stdout.splitlines()[-1] == f"verdict: FAILED: 1 of 2 expectations did not hold (run {run_id})"
    assert ports.api.stopped == ["FLT-1"]


def test_run_json_is_the_run_record_alone_on_stdout(harness: Harness, ports: ScriptedPorts, yaml_path: str) -> None:
    incident(ports.api)
    result = harness.invoke("chaos", "run", yaml_path, "--json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record == json.loads(json.dumps(ports.api.saved[record["id"]]))  # what was stored, as JSON
    assert (record["passed"], record["experiment"], record["fault_id"]) == (True, "payment_test", "FLT-1")
    assert [e["passed"] for e in record["expectations"]] == [True, True]
    assert result.stderr.startswith("experiment payment_test on payments\n")


def test_run_junit_writes_one_case_per_expectation(
    harness: Harness, ports: ScriptedPorts, yaml_path: str, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    result = harness.invoke("chaos", "run", yaml_path, "--junit", str(report))
    assert result.exit_code == EXIT_HYPOTHESIS_FAILED
    root = ET.parse(report).getroot()
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "1")
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.find("failure") is not None for c in cases] == [True, False]
    assert suite.get("name") == "chaos.payment_test"


def test_a_low_error_budget_is_refused_unless_lowered_or_forced(
    harness: Harness, ports: ScriptedPorts, yaml_path: str
) -> None:
    incident(ports.api)
    ports.api.budgets[0]["remaining"] = 0.1
    refused = harness.invoke("chaos", "run", yaml_path)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        "refused: error budget 'payments' rejected the call: error budget payments-availability "
        "has 10% left outside experiments, "
        "below the floor 20%: an outage spent it; force the run to override"
    ]
    assert ports.api.injected == []
    forced: list[bool] = []
    for option in (["--budget-floor", "0.05"], ["--force"]):
        harness.run_ports = fresh = ScriptedPorts()  # the script's alerts are at fixed times: a new clock per run
        incident(fresh.api)
        fresh.api.budgets[0]["remaining"] = 0.1
        assert harness.invoke("chaos", "run", yaml_path, *option).exit_code == 0
        forced += [r["forced"] for r in fresh.api.saved.values()]
    assert forced == [False, True]


def test_the_time_scale_shrinks_the_run(harness: Harness, ports: ScriptedPorts, tmp_path: Path) -> None:
    incident(ports.api)
    path = experiment_file(tmp_path, [{"detected_within_s": 30}])  # 15 s once scaled; the alert comes after 12 s
    result = harness.invoke("chaos", "run", str(path), "--time-scale", "0.5", "--json")
    assert result.exit_code == 0
    ((spec, experiment),) = ports.api.injected
    assert (spec.duration_s, experiment, json.loads(result.stdout)["time_scale"]) == (30.0, "payment_test", 0.5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--time-scale", "2"], "time_scale: must be > 0 and <= 1, got 2"),
        (["--budget-floor", "-1"], "budget_floor: must be between 0 and 1, got -1"),
        (["--stand-down-wait", "-3"], "stand_down_wait: must be >= 0 seconds, got -3"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    harness: Harness, ports: ScriptedPorts, yaml_path: str, args: list[str], message: str
) -> None:
    result = harness.invoke("chaos", "run", yaml_path, *args)
    assert (result.exit_code, result.stderr, ports.options) == (2, message + "\n", [])


def test_an_unknown_experiment_is_one_line_and_exit_2(harness: Harness, ports: ScriptedPorts) -> None:
    result = harness.invoke("chaos", "run", "nope")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("unknown experiment 'nope' (known: cascading_failure, ")


def test_ctrl_c_rolls_the_fault_back_and_exits_130(harness: Harness, ports: ScriptedPorts, yaml_path: str) -> None:
    ports.interrupt = lambda api: bool(api.injected)
    result = harness.invoke("chaos", "run", yaml_path)
    assert result.exit_code == EXIT_INTERRUPTED
    assert result.stderr == "interrupted: the fault was rolled back and the load stopped\n"
    assert (ports.api.stopped, ports.load.stops, ports.closed, ports.api.saved) == (["FLT-1"], 1, 1, {})


def test_an_unreachable_aref_is_one_line_and_exit_2(offline: Harness) -> None:
    result = offline.invoke("chaos", "run", "payment_provider_failure", url=UNREACHABLE)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"cannot reach AREF at {UNREACHABLE}: ConnectError: ")


class SteadyLoad:
    """Every 0.5 s since the load started, every order answered."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.started_at = clock.now()

    async def start(self, plan: TrafficPlan) -> None:
        self.started_at = self.clock.now()

    async def stop(self) -> None: ...

    async def record(self) -> ClientRecord:
        count = int((self.clock.now() - self.started_at) / 0.5)
        return ClientRecord(tuple(Outcome(self.started_at + i * 0.5, 201, 20.0) for i in range(count)))


def test_a_run_through_the_real_api_stops_its_fault_and_stores_its_record(
    harness: Harness, plane: ControlPlane, tmp_path: Path
) -> None:
    def over_the_api(options: RunOptions) -> RunPorts:
        api = HttpExperimentApi(options.url, token=options.token, transport=httpx.ASGITransport(app=harness.app))

        async def sleep(seconds: float) -> None:
            harness.clock.advance(seconds)

        return RunPorts(api, SteadyLoad(harness.clock), api, harness.clock, sleep, api.aclose)

    harness.run_ports = over_the_api
    doc = {"fault": {"type": "error", "rate": 0.5, "duration_s": 60}, "observe_s": 60}
    path = experiment_file(tmp_path, [{"detected_within_s": 5}], **doc)  # nothing reports: nothing is detected
    result = harness.invoke("chaos", "run", str(path))
    assert result.exit_code == EXIT_HYPOTHESIS_FAILED, result.output
    (stored,) = run(plane.runs())
    assert (stored["experiment"], stored["passed"], stored["mttd_s"]) == ("payment_test", False, None)
    (fault,) = run(plane.chaos_status())["recent"]
    assert (fault["fault_id"], fault["end_reason"]) == (stored["fault_id"], "stopped by request")
    assert fault["ended_at"] < fault["expires_at"]  # stopped once the hypothesis was settled, not expired
    assert run(plane.chaos_status())["active"] == []
