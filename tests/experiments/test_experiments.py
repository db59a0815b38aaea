"""Every experiment file holds its hypothesis through ``aref chaos run``, back to back; Ctrl-C leaves no fault.

Each file in chaos/experiments/ is run against the stack one after the other, with its durations
at half (``--time-scale 0.5``) and never forced: the budget gate reads the budget outside earlier
experiments, and the runner checks the steady state before the fault. Every run must hold: exit 0,
verdict PASSED, every expectation of the hypothesis judged with its numbers, the JUnit file with one
testcase per expectation, the record stored in the API. A failed expectation fails the test with
the run's own account (the live view's lines and the table). Each file runs once per session
(``experiment_runs``); other tests read the same run. The Ctrl-C and terminal runs are forced,
shorter (``SHORT_SCALE``) and skip the wait for AREF to stand down: they check the rollback and the
live view, not a hypothesis.
"""

from __future__ import annotations

import re
import signal
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaos.schema import EXPERIMENTS_DIR, load_experiment
from tests.experiments.conftest import SHORT_SCALE, ExperimentRuns, aref
from tests.integration.helpers import api
from tests.stack import Stack, wait_for
from tests.terminal import terminal

EXPERIMENT_FILES = sorted(EXPERIMENTS_DIR.glob("*.yaml"))
INJECTED = re.compile(r"injected fault (FLT-\w+)")
NO_STAND_DOWN = ("--stand-down-wait", "0")  # for runs whose test is not about the hypothesis


def test_there_are_experiment_files_for_every_seed_experiment() -> None:
    names = {path.stem for path in EXPERIMENT_FILES}
    seed = {"payment_provider_failure", "order_service_latency", "inventory_degradation", "notification_overload"}
    assert seed | {"cascading_failure", "replica_crash"} <= names


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=[p.stem for p in EXPERIMENT_FILES])
def test_the_experiment_holds_its_hypothesis_with_every_expectation_measured(
    experiment_runs: ExperimentRuns, path: Path
) -> None:
    experiment = load_experiment(path)
    done = experiment_runs(path)
    print(done.stderr)  # the live view, for the log of a failed run
    assert done.returncode in (0, 1), f"no verdict (exit {done.returncode}): {done.stderr[-2000:]}"
    record = done.record
    results = record["expectations"]
    failed = [f"{r['kind']}: {r['detail']}" for r in results if not r["passed"]]
    assert (record["passed"], done.returncode) == (True, 0), f"{experiment.name} did not hold: {failed}"

    assert (record["experiment"], record["forced"]) == (experiment.name, False)
    assert record["injected_at"] is not None
    assert record["rolled_back_at"] is not None
    assert record["rolled_back_at"] >= record["injected_at"]
    assert [r["kind"] for r in results] == [e.kind for e in experiment.hypothesis]
    for result in results:
        assert result["measured"] is not None, result  # held on a measurement, never on nothing
        assert re.search(r"\d", result["detail"]), result  # the numbers it was judged on
    assert record["ground_truth"]["client"]["requests"] > 0  # the load generator's own record

    suite = ET.parse(done.junit).getroot()
    cases = suite.findall(".//testcase")
    assert len(cases) == len(results)
    assert not [c for c in cases if c.find("failure") is not None]

    stored = api("GET", "/api/aref/chaos/runs", params={"limit": 1000}).json()["runs"]
    assert record["id"] in {r["id"] for r in stored}
    assert api("GET", "/api/aref/chaos/status").json()["active"] == []


@pytest.fixture
def interrupted_run(steady_shop: Stack) -> Iterator[subprocess.Popen[str]]:
    """A run that is never refused (``--force``): this test is about its rollback, not its hypothesis."""
    process = subprocess.Popen(
        aref("chaos", "run", "payment_provider_failure", "--time-scale", str(SHORT_SCALE), "--force", *NO_STAND_DOWN),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**steady_shop.env, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"},  # each line as it is printed
    )
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


def test_sigint_during_a_run_rolls_the_fault_back(interrupted_run: subprocess.Popen[str]) -> None:
    assert interrupted_run.stdout is not None
    seen: list[str] = []
    fault_id = None
    for line in interrupted_run.stdout:
        seen.append(line)
        found = INJECTED.search(line)
        if found:
            fault_id = found.group(1)
            break
    assert fault_id is not None, "".join(seen)

    def active() -> list[dict[str, Any]]:
        faults: list[dict[str, Any]] = api("GET", "/api/aref/chaos/status").json()["active"]
        return faults

    assert [f["fault_id"] for f in active()] == [fault_id]
    assert active()[0]["experiment"] == "payment_provider_failure"
    interrupted_run.send_signal(signal.SIGINT)
    rest, _ = interrupted_run.communicate(timeout=60)

    assert interrupted_run.returncode == 130, rest
    assert "interrupted" in rest
    wait_for(lambda: active() == [], timeout=1, what="no active fault")
    recent = api("GET", "/api/aref/chaos/status").json()["recent"]
    ended = [f for f in recent if f["fault_id"] == fault_id]
    assert [f["end_reason"] for f in ended] == ["stopped by request"]


def test_in_a_terminal_a_run_is_a_live_view_that_follows_the_phases(steady_shop: Stack) -> None:
    """``aref chaos run`` in a real terminal (a tmux pane): the live view moves through its phases,
    its clock and the clients' numbers update, and the verdict follows."""
    command = aref("chaos", "run", "inventory_degradation", "--time-scale", str(SHORT_SCALE), "--force", *NO_STAND_DOWN)
    with terminal(command, steady_shop.env, width=120, height=40) as term:
        term.until(lambda s: "chaos run inventory_degradation on inventory" in s, 60, "the live view")
        acting = term.until(lambda s: "fault acting" in s and "requests" in s, 120, "the fault acting")
        later = term.until(lambda s: s != acting and ("fault acting" in s or "rolled back" in s), 10, "a refresh")
        assert "clients error rate" in later
        term.save("aref-chaos-run.txt", later)
        done = term.until(lambda s: "verdict:" in s, 240, "the verdict")
        last_live = [s for s in term.screens if "chaos run" in s and "verdict:" not in s][-1]
        term.save("aref-chaos-run-late.txt", last_live)
        term.until(lambda s: "EXITED=" in s, 30, "the run to end")
        status = term.exit_status()
        assert status == (0 if "verdict: PASSED" in done else 1)
        assert "observing [" not in "".join(term.screens)  # the plain lines are for pipes and logs
