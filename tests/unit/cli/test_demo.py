"""``aref demo`` (and the ``aref-demo`` program): the 12 steps against the real API, the run over fakes.

Steps 1-3 and 10-12 read the API app over a ``ControlPlane``; steps 4-9 are the experiment
runner over the scripted ports of ``tests.unit.chaos.runner_fakes`` (as ``chaos run``'s tests).
``PlaneApi`` makes the injection and the rollback also start and end a real incident on the
plane, so the numbers after the run differ from the baseline because the API says so.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from aref.cli.demo import INTERRUPTED
from aref.cli.errors import EXIT_INTERRUPTED
from aref.cli.main import demo_cli
from aref.cli.render import seconds, when
from aref.control.plane import ControlPlane
from aref.errors import StoreError
from aref.testing import FakeClock
from chaos.faults import FaultSpec
from tests.unit.chaos.runner_fakes import FakeApi, ScriptedPorts, experiment_file, incident
from tests.unit.cli.conftest import UNREACHABLE, URL, Harness, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run
TITLES = [
    "Preflight",
    "Baseline",
    "Deep health",
    "Live traffic",
    "Chaos inject",
    "Incident traffic",
    "Chaos rollback",
    "Recovery traffic",
    "Verdict",
    "Pillar deep-dive",
    "Timeline",
    "Final CRS and comparison",
]
HEADER = re.compile(r"^Step (\d+)/12  (.+)$")


@pytest.fixture(autouse=True)
def sigterm_restored() -> Iterator[None]:
    """``demo`` installs a SIGTERM handler for the process; put the test runner's back."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


class PlaneApi(FakeApi):
    """The scripted API, whose injection and rollback also start and end a real incident on the plane."""

    def __init__(self, clock: FakeClock, plane: ControlPlane, plane_clock: FakeClock) -> None:
        super().__init__(clock)
        self.plane, self.plane_clock = plane, plane_clock

    async def inject(self, spec: FaultSpec, experiment: str) -> dict[str, Any]:
        fault = await super().inject(spec, experiment)
        real = await self.plane.inject_fault("payments", "error", 0.8, 120.0, label="payment_provider_failure")
        run_traffic(self.plane, self.plane_clock, 5)
        return {**fault, "correlation_id": real["correlation_id"]}

    async def alerts(self) -> list[dict[str, Any]]:
        """The scripted alerts, under the correlation id of the plane's real incident."""
        real = (await self.plane.alerts())["active"]
        scripted = await super().alerts()
        return [{**a, "correlation_id": real[0]["correlation_id"]} for a in scripted] if real else scripted

    async def stop_fault(self, fault_id: str) -> None:
        await super().stop_fault(fault_id)
        await self.plane.stop_chaos()
        for alert in (await self.plane.alerts())["active"]:
            await self.plane.resolve_alert(alert["id"])
        run_traffic(self.plane, self.plane_clock, 1)


class FailingRollback(FakeApi):
    async def stop_fault(self, fault_id: str) -> None:
        raise StoreError("the fault board is gone")


@pytest.fixture
def ports(harness: Harness, plane: ControlPlane) -> ScriptedPorts:
    run_traffic(plane, harness.clock, 3)  # a baseline with traffic behind it
    scripted = ScriptedPorts()
    incident(scripted.api)
    harness.run_ports = scripted
    return scripted


@pytest.fixture
def live(ports: ScriptedPorts, plane: ControlPlane, harness: Harness) -> ScriptedPorts:
    """The scripted run, with a real incident on the plane between the baseline and the end."""
    ports.api = PlaneApi(ports.clock, plane, harness.clock)
    incident(ports.api)
    return ports


@pytest.fixture
def yaml_path(tmp_path: Path) -> str:
    return str(experiment_file(tmp_path))


def headers(output: str) -> list[tuple[int, str]]:
    found = (HEADER.match(text) for text in output.splitlines())
    return [(int(m[1]), m[2]) for m in found if m]


def section(output: str, number: int) -> list[str]:
    """The lines of step ``number``, from its header to the next one."""
    lines = output.splitlines()
    start = lines.index(f"Step {number}/12  {TITLES[number - 1]}")
    rest = lines[start + 1 :]
    return rest[: next((i for i, text in enumerate(rest) if HEADER.match(text)), len(rest))]


def measured(plane: ControlPlane) -> dict[str, Any]:
    """What the plane itself says, for comparing with what the demo showed."""
    metrics, status, detection = run(plane.metrics()), run(plane.status()), run(plane.detection())
    return {
        "crs_by_profile": metrics["crs_by_profile"],
        "mttd_s": metrics["mttd"]["seconds"],
        "mttr_s": metrics["mttr"]["seconds"],
        "availability": metrics["availability"]["overall"],
        "open_alerts": status["alerts"]["open"],
        "alerts_fired": detection["alert_counts"]["fired_since_start"],
        "levels": {name: p["level"] for name, p in status["pillars"].items()},
    }


# -- the walkthrough -----------------------------------------------------------------------------------


def test_twelve_numbered_steps_in_order_each_phase_under_its_step(harness: Harness, ports: ScriptedPorts) -> None:
    result = harness.invoke("demo")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert headers(out) == list(enumerate(TITLES, start=1))
    assert section(out, 4)[1:3] == [
        "experiment payment_provider_failure on payments",
        "  error budget: 90% of payments-availability left outside experiments (90% with their burn)",
    ]
    assert section(out, 5)[1:] == ["  injected fault FLT-1 (correlation COR-F)", ""]
    assert section(out, 6)[1] == "  observing [...]"  # one mark per expectation
    assert section(out, 7)[1].startswith("  rolled back fault FLT-1 at ")
    assert section(out, 8)[1].startswith("  steady state after the fault: ok")
    ((run_id, saved),) = ports.api.saved.items()
    failed = sum(1 for e in saved["expectations"] if not e["passed"])
    assert 0 < failed <= len(saved["expectations"]) == 3
    verdict = f"{failed} of 3 expectations did not hold"
    assert f"verdict: FAILED: {verdict} (run {run_id})" in section(out, 9)
    assert out.splitlines()[-1].startswith(f"hypothesis FAILED: {verdict} (")
    assert (ports.api.stopped, ports.load.stops, ports.closed) == (["FLT-1"], 1, 1)
    assert ports.options[0].time_scale == 0.25
    ((spec, experiment),) = ports.api.injected
    assert (spec.duration_s, experiment) == (30.0, "payment_provider_failure")  # 120 s scaled by 0.25


def test_a_passed_hypothesis_says_so_and_the_options_reach_the_runner(
    harness: Harness, ports: ScriptedPorts, tmp_path: Path
) -> None:
    path = experiment_file(tmp_path, [{"detected_within_s": 30}, {"error_rate_below": 0.6}])
    result = harness.invoke("demo", "--experiment", str(path), "--time-scale", "0.5")
    assert result.exit_code == 0, result.output
    (run_id,) = ports.api.saved
    assert result.stdout.splitlines()[-1] == f"hypothesis PASSED: all 2 expectations held; run {run_id}"
    assert (ports.options[0].time_scale, ports.api.injected[0][0].duration_s) == (0.5, 30.0)


def test_baseline_and_after_come_from_the_api(harness: Harness, live: ScriptedPorts, plane: ControlPlane) -> None:
    before = measured(plane)
    result = harness.invoke("demo")
    assert result.exit_code == 0, result.output
    after = measured(plane)
    assert (before["alerts_fired"], before["mttd_s"]) == (0, None)
    assert after["alerts_fired"] > 0
    assert after["mttd_s"] is not None
    assert after["availability"] < 1.0
    baseline = section(result.stdout, 2)
    times = "MTTD -, MTTR - (0 incidents measured); availability 100.00%; alerts 0 open, 0 fired since start"
    assert baseline[-2:] == [times, ""]
    rows = {m: row(result.stdout, m) for m in ("MTTD", "availability", "alerts fired", "open alerts")}
    assert rows == {
        "MTTD": ["MTTD", "-", seconds(after["mttd_s"]), "-"],
        "availability": [
            "availability",
            "100.00%",
            f"{after['availability']:.2%}",
            f"{(after['availability'] - 1.0) * 100:+.2f} pp",
        ],
        "alerts fired": ["alerts fired", "0", str(after["alerts_fired"]), f"+{after['alerts_fired']}"],
        "open alerts": ["open alerts", "0", str(after["open_alerts"]), f"{after['open_alerts']:+d}"],
    }
    for pillar, level in after["levels"].items():
        old_level = before["levels"][pillar]
        assert row(result.stdout, f"{pillar} level")[1:] == [f"L{old_level}", f"L{level}", f"{level - old_level:+d}"]
    for profile, crs in after["crs_by_profile"].items():
        old = before["crs_by_profile"][profile]
        assert row(result.stdout, f"CRS {profile}") == [
            f"CRS {profile}",
            f"{old:.2f}",
            f"{crs:.2f}",
            f"{crs - old:+.2f}",
        ]


def test_the_deep_dive_and_the_timeline_show_what_the_api_recorded(
    harness: Harness, live: ScriptedPorts, plane: ControlPlane
) -> None:
    out = harness.invoke("demo").stdout
    (record,) = live.api.saved.values()
    detection = run(plane.detection())
    active, resolved = (
        sum(1 for a in detection[key] if a["detector"] == "threshold") for key in ("active_alerts", "recent_resolved")
    )
    in_run = record["alerts_per_detector"]["threshold"]
    assert row(out, "threshold") == ["threshold", str(in_run), str(active), str(resolved)]
    assert resolved > 0
    adaptations = run(plane.adaptation())["adaptations"]
    assert f"Adaptation actions (newest {len(adaptations)} of {len(adaptations)})" in out
    assert row(out, when(adaptations[-1]["at"]))[1:3] == [adaptations[-1]["service"], adaptations[-1]["strategy"]]
    reviews = run(plane.evolution())["reviews"]
    assert f"Evolution: {reviews['total']} post-incident reviews" in out
    timeline = "\n".join(section(out, 11))
    events = run(plane.timeline(correlation_id=record["incident_correlation_id"]))["events"]
    topics = [e["topic"] for e in events]
    assert "detection.alert_fired" in topics  # the incident's chain, not only the fault's two events
    shown = [re.split(r"\s{2,}", text.strip()) for text in timeline.splitlines()]
    for e in events[:5]:  # events of one instant may be listed in either order
        assert [when(e["timestamp"]), e["topic"]] in [[cells[0], cells[2]] for cells in shown if len(cells) > 2]
    retained = run(plane.timeline())["retained"]
    assert f"showing {len(events)} of {len(events)} matching events ({retained} retained)" in timeline


def test_json_is_one_document_of_four_parts(harness: Harness, live: ScriptedPorts, plane: ControlPlane) -> None:
    before = measured(plane)
    result = harness.invoke("demo", "--json")
    assert result.exit_code == 0, result.output
    after = measured(plane)
    document = json.loads(result.stdout)
    assert list(document) == ["baseline", "run", "after", "comparison"]
    for part, expected in (("baseline", before), ("after", after)):
        shown = document[part]
        assert {k: shown[k] for k in expected if k != "levels"} == {k: v for k, v in expected.items() if k != "levels"}
        assert {name: p["level"] for name, p in shown["pillars"].items()} == expected["levels"]
    assert document["run"] == json.loads(json.dumps(live.api.saved[document["run"]["id"]]))
    measures = {m["measure"]: m for m in document["comparison"]["measures"]}
    assert measures["alerts fired"] == {
        "measure": "alerts fired",
        "unit": "count",
        "before": 0,
        "after": after["alerts_fired"],
        "change": after["alerts_fired"],
    }
    assert measures["MTTD"]["change"] is None  # nothing was measured before
    assert [m["measure"] for m in document["comparison"]["measures"]][-5:] == [
        "MTTD",
        "MTTR",
        "availability",
        "open alerts",
        "alerts fired",
    ]
    assert document["comparison"]["hypothesis"]["passed"] is document["run"]["passed"] is False
    assert headers(result.stderr) == list(enumerate(TITLES, start=1))  # the steps went to stderr


# -- stopping short ------------------------------------------------------------------------------------


def test_an_unreachable_aref_is_one_line_and_exit_2(offline: Harness) -> None:
    ports = offline.run_ports = ScriptedPorts()
    result = offline.invoke("demo", url=UNREACHABLE)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"cannot reach AREF at {UNREACHABLE}: ")
    assert (headers(result.stdout), ports.options) == ([(1, "Preflight")], [])


def test_a_refused_run_is_one_line_with_the_reason_and_exit_2(harness: Harness, ports: ScriptedPorts) -> None:
    ports.api.budgets[0]["remaining"] = 0.1
    result = harness.invoke("demo")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "refused: error budget 'payments' rejected the call: error budget payments-availability "
        "has 10% left outside experiments, "
        "below the floor 20%: an outage spent it; force the run to override"
    ]
    assert (headers(result.stdout)[-1], ports.api.injected) == ((4, "Live traffic"), [])
    harness.run_ports = forced = ScriptedPorts()
    forced.api.budgets[0]["remaining"] = 0.1
    assert harness.invoke("demo", "--force").exit_code == 0
    assert [r["forced"] for r in forced.api.saved.values()] == [True]


def test_bad_input_is_refused_before_anything_is_shown(harness: Harness, ports: ScriptedPorts) -> None:
    unknown = harness.invoke("demo", "--experiment", "nope")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("unknown experiment 'nope' (known: cascading_failure, ")
    scale = harness.invoke("demo", "--time-scale", "2")
    assert scale.exit_code == 2
    assert "Invalid value for '--time-scale'" in scale.stderr
    assert (unknown.stdout, scale.stdout, ports.options) == ("", "", [])


def test_ctrl_c_during_the_run_rolls_back_and_exits_130(harness: Harness, ports: ScriptedPorts) -> None:
    ports.interrupt = lambda api: bool(api.injected)
    result = harness.invoke("demo")
    assert result.exit_code == EXIT_INTERRUPTED
    assert result.stderr == "interrupted: the fault was rolled back and the load stopped\n"
    assert (ports.api.stopped, ports.load.stops, ports.api.saved) == (["FLT-1"], 1, {})


def test_a_failed_rollback_is_said_and_its_step_is_marked_empty(harness: Harness, ports: ScriptedPorts) -> None:
    ports.api = FailingRollback(ports.clock)
    result = harness.invoke("demo")
    assert result.exit_code == 0, result.output
    assert section(result.stdout, 7)[1:] == ["  nothing was reported in this step", ""]
    assert "the rollback failed: StoreError: the fault board is gone" in section(result.stdout, 9)


# -- pausing, and aref-demo -------------------------------------------------------------------------------


def test_pause_waits_for_enter_between_steps_but_not_inside_the_run(harness: Harness, ports: ScriptedPorts) -> None:
    result = CliRunner().invoke(
        demo_cli, ["--url", URL, "--pause"], obj=harness.runtime(), input="\n" * 6, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Press Enter for the next step") == 6  # before steps 2, 3, 4, 10, 11 and 12
    stopped = harness.invoke("demo", "--pause")  # no input: as if Ctrl-C at the first pause
    assert (stopped.exit_code, stopped.stderr.splitlines()[-1]) == (EXIT_INTERRUPTED, INTERRUPTED)
    assert headers(stopped.stdout) == [(1, "Preflight")]
    assert len(ports.api.injected) == 1  # only the first demo ran an experiment


def aref_demo(harness: Harness, args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(demo_cli, args, obj=harness.runtime(), env=env, catch_exceptions=False)


def test_aref_demo_takes_the_global_options_itself(harness: Harness, ports: ScriptedPorts, offline: Harness) -> None:
    result = aref_demo(harness, ["--json"], env={"AREF_URL": URL, "AREF_API_TOKEN": "t0k"})
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)) == ["baseline", "run", "after", "comparison"]
    assert (ports.options[0].url, ports.options[0].token) == (URL, "t0k")
    unreachable = aref_demo(offline, ["--url", UNREACHABLE])
    assert unreachable.exit_code == 2
    assert unreachable.stderr.startswith(f"cannot reach AREF at {UNREACHABLE}: ")
    assert "--experiment" in aref_demo(offline, ["--help"]).stdout
