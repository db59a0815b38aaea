"""The live view of ``chaos run``: phase timing, the clients' seconds as sparklines, the pillars'
alerts and mitigations, and each expectation settling; used only when the console is a terminal."""

from __future__ import annotations

import dataclasses
import io
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from aref.cli.main import cli
from aref.cli.render.live_run import SPARKS, LiveRun, per_second, sparkline
from aref.testing import FakeClock
from chaos.loadgen import ClientRecord, Outcome, TrafficPlan
from chaos.runner_expectations import Status, Verdict
from chaos.runner_observation import Observation, SeenAlert, SeenEvent
from chaos.runner_record import SteadyStateCheck
from tests.unit.chaos.runner_fakes import ScriptedPorts, experiment_file, incident
from tests.unit.cli.conftest import URL, Harness
from tests.unit.cli.test_chaos import PASSING

T0 = 1000.0


def screen(live: LiveRun, width: int = 110) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(live.render())
    return console.export_text()


def outcomes(start: float, seconds: int, failing_from: int) -> tuple[Outcome, ...]:
    """Four orders a second; from second ``failing_from`` on, three of them fail slowly."""
    sent = []
    for second in range(seconds):
        for n in range(4):
            bad = second >= failing_from and n > 0
            sent.append(Outcome(start + second + n / 4, 503 if bad else 201, 900.0 if bad else 40.0))
    return tuple(sent)


def test_the_sparkline_scales_to_its_top_and_leaves_gaps() -> None:
    assert sparkline([0.0, 0.5, 1.0, None], high=1.0).plain == f"{SPARKS[0]}{SPARKS[4]}{SPARKS[-1]} "
    assert sparkline([]).plain == ""


def test_each_second_has_its_error_rate_and_p99() -> None:
    errors, p99s = per_second(outcomes(T0, 4, failing_from=2), T0 + 3.9, 5)
    assert errors == [None, 0.0, 0.0, 0.75, 0.75]
    assert p99s == [None, 40.0, 40.0, 900.0, 900.0]


def test_the_view_follows_the_run_from_warm_up_to_the_verdicts() -> None:
    clock = FakeClock(T0)
    live = LiveRun(now=clock.now)
    live("experiment", {"name": "payment_provider_failure", "target": "payments", "expectations": ["a", "b"]})
    live("load_started", {"plan": TrafficPlan(rate_per_s=4, duration_s=60, warmup_s=10)})
    clock.advance(4)
    assert "warm-up   4.0 s elapsed, 6.0 s left" in screen(live)

    clock.advance(6)
    live("steady_state", {"check": SteadyStateCheck(at=clock.now(), ok=True)})
    fault = {"fault_id": "FLT-1", "started_at": clock.now(), "expires_at": clock.now() + 30}
    live("injected", {"fault": fault})
    clock.advance(6)
    live("sampled", {"client": ClientRecord(outcomes(T0 + 10, 6, failing_from=3)), "at": clock.now()})
    alert = SeenAlert("ALR-1", "payments", "slo_burn", T0 + 11.5, "COR-1", "critical")
    opened = SeenEvent(
        "EVT-1", "absorption.circuit_breaker_opened", T0 + 12.7, "COR-1", {"breaker": "gateway->payments"}
    )
    noise = SeenEvent("EVT-2", "evolution.recurrence_detected", T0 + 13.0, "COR-1", {})
    observation = Observation("payments", T0, T0 + 10, T0 + 40, clock.now(), alerts=(alert,), events=(opened, noise))
    verdicts = [Verdict(Status.PASSED, 1.5, "alert after 1.5 s"), Verdict(Status.PENDING, None, "")]
    live("observed", {"verdicts": verdicts, "at": clock.now(), "observation": observation, "until": T0 + 60})
    shown = screen(live)
    assert "fault acting   6.0 s elapsed, 24.0 s left   fault FLT-1" in shown
    assert "ALR-1 payments slo_burn critical" in shown
    assert "+1.5 s" in shown
    assert "breaker gateway->payments opened" in shown
    assert "recurrence" not in shown  # only mitigations are listed
    assert "24 requests, 9 failed (37.5%)" in shown
    assert "75% now" in shown
    assert "900 ms now" in shown
    assert [line.split()[0] for line in shown.splitlines() if line.split() and line.split()[0] in ("PASS", "....")] == [
        "PASS",
        "....",
    ]

    clock.advance(2)
    live("rolled_back", {"fault_id": "FLT-1", "at": clock.now()})
    live("observed", {"verdicts": verdicts, "at": clock.now(), "observation": observation, "until": T0 + 60})
    clock.advance(1)
    assert "fault rolled back, watching the recovery   1.0 s elapsed, 41.0 s left" in screen(live, width=160)


@pytest.fixture(autouse=True)
def _restore_sigterm() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_in_a_terminal_chaos_run_draws_the_live_view_then_the_verdict(harness: Harness, tmp_path: Path) -> None:
    ports = ScriptedPorts()
    harness.run_ports = ports
    incident(ports.api)
    console = Console(width=120, force_terminal=True, color_system=None, record=True, file=io.StringIO())
    runtime = dataclasses.replace(harness.runtime(), console=console)
    result = CliRunner().invoke(
        cli, ["--url", URL, "chaos", "run", str(experiment_file(tmp_path, PASSING))], obj=runtime
    )
    assert result.exit_code == 0, result.output
    drawn = console.export_text()
    assert "chaos run payment_test on payments" in drawn
    assert "clients error rate" in drawn
    assert "observing [" not in drawn  # the plain lines are for pipes and logs
    assert "verdict: PASSED" in drawn


def test_seconds_above_the_alarm_are_red() -> None:
    line = sparkline([0.1, 0.9], high=1.0, alarm=0.5)
    assert [str(span.style) for span in line.spans] == ["cyan", "red"]
