from __future__ import annotations

import asyncio
import io
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from aref.errors import ArefError
from aref.testing import FakeClock
from chaos.runner import ExperimentRunner, RunnerConfig
from chaos.runner_main import EXIT_REFUSED, install_sigterm_handler, main, printer, raise_interrupt, resolve
from chaos.schema import EXPERIMENTS_DIR
from tests.unit.chaos.runner_fakes import T0, FakeApi, FakeLoad, experiment, incident


@pytest.fixture
def sigterm_restored() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_the_handler_turns_sigterm_into_keyboard_interrupt(sigterm_restored: None) -> None:
    install_sigterm_handler()
    assert signal.getsignal(signal.SIGTERM) is raise_interrupt
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)


def test_sigterm_during_a_run_still_rolls_the_fault_back(sigterm_restored: None) -> None:
    install_sigterm_handler()
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
