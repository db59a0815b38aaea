"""A fake ``ProcessRunner`` for ``up`` / ``down``: records every command, answers from a script."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aref.cli.listeners import Listener, listener_on
from aref.cli.procs import Finished


@dataclass
class FakeProcesses:
    results: dict[str, Finished] = field(default_factory=dict)  # "ray start --head" -> its outcome
    commands: list[str] = field(default_factory=list)
    envs: list[dict[str, str]] = field(default_factory=list)
    spawned: list[tuple[str, Path, Path]] = field(default_factory=list)  # command, cwd, log
    alive: set[int] = field(default_factory=set)
    terminated: list[int] = field(default_factory=list)
    next_pid: int = 4242
    listeners: dict[int, Listener] = field(default_factory=dict)  # port -> who holds it; free otherwise
    real_ports: bool = False  # ask this machine's /proc instead of ``listeners``

    def run(self, args: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> Finished:
        command = " ".join(args)
        self.commands.append(command)
        self.envs.append(dict(env))
        return self.results.get(command, Finished(0, ""))

    def spawn(self, args: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path) -> int:
        command = " ".join(args)
        self.commands.append(command)
        self.envs.append(dict(env))
        self.spawned.append((command, cwd, log))
        self.alive.add(self.next_pid)
        return self.next_pid

    def running(self, pid: int, marker: str) -> bool:
        return pid in self.alive and marker == "serve"

    def terminate(self, pid: int) -> None:
        self.terminated.append(pid)
        self.alive.discard(pid)

    def listener(self, port: int) -> Listener | None:
        if self.real_ports:
            return listener_on(port)
        return self.listeners.get(port)
