"""Running the Ray and Serve command-line tools: a protocol, and the real runner over ``subprocess``.

``aref up`` and ``aref down`` only ever use a ``ProcessRunner``, so tests inject a fake one and
never start Ray. The real runner reports a missing tool or a timeout as a failed ``Finished``
rather than an exception, and only signals a process it can still identify by its command line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aref.cli.listeners import Listener, listener_on

RUN_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class Finished:
    returncode: int
    output: str  # stdout and stderr together

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 5) -> str:
        return "\n".join(self.output.strip().splitlines()[-lines:])


class ProcessRunner(Protocol):
    def run(self, args: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> Finished:
        """Run to completion and return its exit code and output."""
        ...

    def spawn(self, args: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path) -> int:
        """Start in the background, in its own session, output appended to ``log``; return the pid.

        Raises ``OSError`` when the program cannot be started.
        """
        ...

    def running(self, pid: int, marker: str) -> bool:
        """Whether ``pid`` is alive and its command line contains ``marker`` (never a zombie or a stranger)."""
        ...

    def terminate(self, pid: int) -> None:
        """Send SIGTERM to ``pid``."""
        ...

    def listener(self, port: int) -> Listener | None:
        """The process listening on local TCP ``port``; None when the port is free."""
        ...


class SubprocessRunner:
    def __init__(self, timeout_s: float = RUN_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s

    def run(self, args: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> Finished:
        try:
            done = subprocess.run(
                list(args),
                cwd=cwd,
                env=dict(env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=self.timeout_s,
                check=False,
            )
        except FileNotFoundError:
            return Finished(127, f"{args[0]}: command not found (pip install -e . puts it on PATH)")
        except subprocess.TimeoutExpired:
            return Finished(124, f"{' '.join(args)}: no answer after {self.timeout_s:g} s")
        return Finished(done.returncode, done.stdout or "")

    def spawn(self, args: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path) -> int:
        with log.open("ab") as out:
            process = subprocess.Popen(
                list(args),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return process.pid

    def running(self, pid: int, marker: str) -> bool:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return False
        return marker in cmdline

    def terminate(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)

    def listener(self, port: int) -> Listener | None:
        return listener_on(port)
