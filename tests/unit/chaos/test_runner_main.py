from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from aref.errors import ArefError
from aref.testing import FakeClock
from chaos.http_api import ApiLoadGenerator
from chaos.loadgen_http import LocalLoadGenerator
from chaos.runner import ExperimentRunner, RunnerConfig
from chaos.runner_main import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_PASSED,
    EXIT_REFUSED,
    Outcome,
    RunOptions,
    arun_experiments,
    http_ports,
    install_stop_handlers,
    main,
    printer,
    raise_interrupt,
    resolve,
    run_experiments,
)
from chaos.schema import EXPERIMENTS_DIR
from tests.unit.chaos.runner_fakes import T0, FakeApi, FakeLoad, ScriptedPorts, experiment, experiment_file, incident


@pytest.fixture
def sigterm_restored() -> Iterator[None]:
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for s, handler in previous.items():
        signal.signal(s, handler)


def test_the_handler_turns_sigterm_into_keyboard_interrupt(sigterm_restored: None) -> None:
    install_stop_handlers()
    assert signal.getsignal(signal.SIGTERM) is raise_interrupt
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)


def test_sigint_stops_a_run_even_when_the_process_inherited_it_ignored(sigterm_restored: None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under a background job of a non-interactive shell
    install_stop_handlers()
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)


def test_sigterm_during_a_run_still_rolls_the_fault_back(sigterm_restored: None) -> None:
    install_stop_handlers()
    clock = FakeClock(T0)
    api, load = FakeApi(clock), FakeLoad(clock)
    incident(api)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        if clock.now() >= T0 + 20:
            os.kill(os.getpid(), signal.SIGTERM)

    runner = ExperimentRunner(api, clock, sleep, load, config=RunnerConfig(grace_s=5, lag_s=0))
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(runner.run(experiment()))
    assert (api.stopped, load.stops) == (["FLT-1"], 1)


def test_names_resolve_in_the_experiments_directory_and_paths_load_directly() -> None:
    by_name, by_path = resolve(["replica_crash", str(EXPERIMENTS_DIR / "cascading_failure.yaml")])
    assert (by_name.name, by_path.name) == ("replica_crash", "cascading_failure")
    with pytest.raises(ArefError, match=r"unknown experiment 'nope' \(known: cascading_failure, "):
        resolve(["nope"])


def test_bad_input_exits_2_with_a_message_before_touching_the_stack(tmp_path: Path, sigterm_restored: None) -> None:
    out = io.StringIO()
    assert main(["replica_crash", "--time-scale", "2", "--url", "http://127.0.0.1:9"], out) == EXIT_REFUSED
    assert "error: time_scale: must be > 0 and <= 1, got 2" in out.getvalue()
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\n")
    out = io.StringIO()
    assert main([str(broken)], out) == EXIT_REFUSED
    assert f"error: {broken}: description: Field required" in out.getvalue()


def test_progress_is_one_plain_line_per_phase() -> None:
    clock = FakeClock(T0)
    api = FakeApi(clock)
    incident(api)
    out = io.StringIO()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    runner = ExperimentRunner(
        api, clock, sleep, FakeLoad(clock), config=RunnerConfig(grace_s=5, lag_s=0), on_progress=printer(out)
    )
    asyncio.run(runner.run(experiment([{"detected_within_s": 30}])))
    lines = out.getvalue().splitlines()
    assert lines[:4] == ["  budget {'remaining': 0.9}", "  load_started", "  steady_state", "  injected"]
    # polls at T0+10 .. T0+16 see no alert yet; the one at T0+17 sees it and rolls back
    assert lines[4:12] == ["  observing  [.]"] * 7 + ["  observing  [+]"]
    assert lines[12:14] == ["  rolled_back {'fault_id': 'FLT-1', 'at': 1017.0}", "  steady_state_after"]
    assert lines[14] == (
        "  PASS  an alert on the target fires within 30 s of the injection: "
        "alert on payments (threshold) after 7.0 s; expected within 30 s"
    )
    assert lines[15:] == ["  MTTD 7.0 s, mitigated n/a, MTTR 0.0 s"]


# -- run_experiments: the one function both command lines call -----------------------------------

PASSING = [{"detected_within_s": 30}, {"error_rate_below": 0.5}]


def no_output(phase: str, info: Mapping[str, Any]) -> None:
    return None


def test_a_held_hypothesis_is_exit_0_with_the_record_stored(tmp_path: Path) -> None:
    ports = ScriptedPorts()
    incident(ports.api)
    phases: list[str] = []
    path = str(experiment_file(tmp_path, PASSING))
    outcome = run_experiments(
        [path], RunOptions(url="http://aref:8000"), progress=lambda p, i: phases.append(p), connect=ports
    )
    assert (outcome.code, outcome.message) == (EXIT_PASSED, None)
    (record,) = outcome.records
    assert record.passed
    assert list(ports.api.saved) == [record.id]
    assert ports.closed == 1
    assert ports.options[0].gateway_orders_url == "http://aref:8000/gateway/api/orders"
    assert phases[:3] == ["experiment", "budget", "load_started"]
    assert phases[-1] == "done"


def test_a_failed_expectation_is_exit_1(tmp_path: Path) -> None:
    ports = ScriptedPorts()  # no alert ever fires
    outcome = run_experiments(
        [str(experiment_file(tmp_path, PASSING))], RunOptions(), progress=no_output, connect=ports
    )
    assert outcome.code == EXIT_FAILED
    (record,) = outcome.records
    assert [e.passed for e in record.expectations] == [False, True]
    assert (ports.api.stopped, ports.load.stops, ports.closed) == (["FLT-1"], 1, 1)


def test_a_low_error_budget_is_refused_unless_forced_or_under_the_floor(tmp_path: Path) -> None:
    path = [str(experiment_file(tmp_path, PASSING))]
    ports = ScriptedPorts()
    ports.api.budgets[0]["remaining"] = 0.1
    refused = run_experiments(path, RunOptions(), progress=no_output, connect=ports)
    assert (refused.code, refused.records) == (EXIT_REFUSED, ())
    assert refused.message == (
        "refused: error budget 'payments' rejected the call: error budget payments-availability "
        "has 10% left outside experiments, "
        "below the floor 20%: an outage spent it; force the run to override"
    )
    assert (ports.api.injected, ports.closed) == ([], 1)
    lower = run_experiments(path, RunOptions(budget_floor=0.05), progress=no_output, connect=ports)
    forced = run_experiments(path, RunOptions(force=True), progress=no_output, connect=ports)
    assert [o.records[0].forced for o in (lower, forced)] == [False, True]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (RunOptions(time_scale=2), "error: time_scale: must be > 0 and <= 1, got 2"),
        (RunOptions(budget_floor=1.5), "error: budget_floor: must be between 0 and 1, got 1.5"),
        (RunOptions(stand_down_wait_s=-1), "error: stand_down_wait: must be >= 0 seconds, got -1"),
    ],
)
def test_bad_options_are_refused_before_anything_is_contacted(options: RunOptions, message: str) -> None:
    ports = ScriptedPorts()
    outcome = run_experiments(["replica_crash"], options, progress=no_output, connect=ports)
    assert (outcome.code, outcome.message, ports.options) == (EXIT_REFUSED, message, [])


def test_the_time_scale_shrinks_the_experiment_and_the_runner(tmp_path: Path) -> None:
    ports = ScriptedPorts()
    incident(ports.api)
    outcome = run_experiments(
        [str(experiment_file(tmp_path, PASSING))], RunOptions(time_scale=0.5), progress=no_output, connect=ports
    )
    ((spec, _),) = ports.api.injected
    assert (spec.duration_s, outcome.records[0].time_scale) == (30.0, 0.5)


def test_the_stand_down_wait_bounds_the_wait_for_a_flag_that_never_comes_back(tmp_path: Path) -> None:
    ports = ScriptedPorts()
    incident(ports.api)
    ports.api.flag_states = lambda now: {"orders.analytics": False}  # a human's choice: it never comes back
    path = str(experiment_file(tmp_path, PASSING))
    options = RunOptions(stand_down_wait_s=5, force=True)  # forced: the fake load's errors move with the wait
    outcome = run_experiments([path], options, progress=no_output, connect=ports)
    assert outcome.records[0].injected_at == T0 + 5 + 10  # the wait, then the 10 s warm-up


def test_an_interrupt_keeps_the_finished_records_and_rolls_the_running_one_back(tmp_path: Path) -> None:
    ports = ScriptedPorts(interrupt=lambda api: len(api.injected) == 2)  # the second run's first sleep after injecting
    incident(ports.api)
    path = str(experiment_file(tmp_path, PASSING))
    outcome = run_experiments([path, path], RunOptions(), progress=no_output, connect=ports)
    assert (outcome.code, outcome.message) == (
        EXIT_INTERRUPTED,
        "interrupted: the fault was rolled back and the load stopped",
    )
    assert [r.passed for r in outcome.records] == [True]
    assert (len(ports.api.injected), ports.api.stopped, ports.load.stops, ports.closed) == (2, ["FLT-1"] * 2, 2, 1)


def test_inside_a_running_event_loop_the_async_entry_runs_the_same_way(tmp_path: Path) -> None:
    ports = ScriptedPorts()
    incident(ports.api)
    path = str(experiment_file(tmp_path, PASSING))

    async def in_a_notebook() -> Outcome:  # a running loop: asyncio.run is not allowed here
        return await arun_experiments([path], RunOptions(), progress=no_output, connect=ports)

    outcome = asyncio.run(in_a_notebook())
    assert (outcome.code, [r.passed for r in outcome.records]) == (EXIT_PASSED, [True])
    assert (ports.api.stopped, ports.closed) == (["FLT-1"], 1)


def test_an_interrupt_inside_a_running_loop_still_rolls_back(tmp_path: Path) -> None:
    ports = ScriptedPorts(interrupt=lambda api: len(api.injected) == 1)
    incident(ports.api)
    path = str(experiment_file(tmp_path, PASSING))
    outcome = asyncio.run(arun_experiments([path], RunOptions(), progress=no_output, connect=ports))
    assert (outcome.code, outcome.records) == (EXIT_INTERRUPTED, ())
    assert (ports.api.stopped, ports.load.stops, ports.closed) == (["FLT-1"], 1, 1)


def test_main_writes_json_and_junit_and_warns_about_an_unstored_run(tmp_path: Path, sigterm_restored: None) -> None:
    ports = ScriptedPorts()
    incident(ports.api)
    ports.api.fail_save_with = ArefError("POST /api/aref/chaos/runs: HTTP 500: boom")
    out = io.StringIO()
    path = str(experiment_file(tmp_path, PASSING))
    args = [path, "--json", str(tmp_path / "runs.json"), "--junit", str(tmp_path / "junit.xml")]
    assert main(args, out, connect=ports) == EXIT_PASSED
    (stored,) = json.loads((tmp_path / "runs.json").read_text())
    assert (stored["passed"], stored["experiment"]) == (True, "payment_test")
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("chaos.payment_test", "2", "0")
    lines = out.getvalue().splitlines()
    assert lines[0] == "experiment payment_test on payments"
    assert lines[-1] == f"warning: run {stored['id']} was not stored: POST /api/aref/chaos/runs: HTTP 500: boom"
    assert signal.getsignal(signal.SIGTERM) is raise_interrupt


def test_no_store_sends_nothing_and_the_orders_url_can_be_given(tmp_path: Path, sigterm_restored: None) -> None:
    ports = ScriptedPorts()
    incident(ports.api)
    path = str(experiment_file(tmp_path, PASSING))
    assert main([path, "--no-store", "--orders-url", "http://shop/orders"], io.StringIO(), connect=ports) == 0
    assert ports.api.saved == {}
    assert ports.options[0].gateway_orders_url == "http://shop/orders"


def test_the_load_comes_from_the_cluster_unless_asked_for_locally() -> None:
    cluster, local = http_ports(RunOptions()), http_ports(RunOptions(load_from="local"))
    try:
        assert isinstance(cluster.loadgen, ApiLoadGenerator)
        assert isinstance(local.loadgen, LocalLoadGenerator)
    finally:
        asyncio.run(cluster.close())
        asyncio.run(local.close())
    outcome = run_experiments(["replica_crash"], RunOptions(load_from="mars"), progress=no_output)
    assert (outcome.code, outcome.message) == (
        EXIT_REFUSED,
        "error: load_from: must be one of cluster, local, got 'mars'",
    )
