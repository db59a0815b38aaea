"""SubprocessRunner: run, spawn, identify and signal real (tiny Python) processes; never Ray."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from aref.cli.procs import Finished, SubprocessRunner

ENV = dict(os.environ)
PAUSE = "import signal; signal.pause()"  # blocks until a signal arrives


def test_run_returns_the_exit_code_and_both_streams(tmp_path: Path) -> None:
    code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"
    done = SubprocessRunner().run([sys.executable, "-c", code], env=ENV, cwd=tmp_path)
    assert (done.returncode, sorted(done.output.split())) == (3, ["err", "out"])
    assert not done.ok


def test_a_missing_program_is_exit_127_with_a_hint(tmp_path: Path) -> None:
    done = SubprocessRunner().run(["no-such-aref-tool"], env=ENV, cwd=tmp_path)
    assert done == Finished(127, "no-such-aref-tool: command not found (pip install -e . puts it on PATH)")


def test_a_hung_program_times_out(tmp_path: Path) -> None:
    done = SubprocessRunner(timeout_s=0.2).run([sys.executable, "-c", PAUSE], env=ENV, cwd=tmp_path)
    assert done.returncode == 124
    assert done.output.endswith("no answer after 0.2 s")


def test_spawn_writes_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    pid = SubprocessRunner().spawn([sys.executable, "-c", "print('serving')"], env=ENV, cwd=tmp_path, log=log)
    os.waitpid(pid, 0)
    assert log.read_text() == "serving\n"


def test_running_matches_the_command_line_and_terminate_signals_the_pid(tmp_path: Path) -> None:
    runner = SubprocessRunner()
    pid = runner.spawn([sys.executable, "-c", PAUSE], env=ENV, cwd=tmp_path, log=tmp_path / "x.log")
    exec_done(pid)
    assert runner.running(pid, "signal.pause")
    assert not runner.running(pid, "serve run")
    runner.terminate(pid)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGTERM
    assert not runner.running(pid, "signal.pause")  # reaped: gone
    runner.terminate(pid)  # a gone pid: no error


def exec_done(pid: int) -> None:
    """Spin (no sleep) until the child's exec has finished: /proc/<pid>/cmdline is empty for an instant."""
    deadline = time.monotonic() + 5
    while not Path(f"/proc/{pid}/cmdline").read_bytes() and time.monotonic() < deadline:
        pass


def test_finished_tail_keeps_the_last_lines() -> None:
    assert Finished(1, "a\nb\nc\n").tail(2) == "b\nc"
