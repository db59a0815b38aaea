"""A real terminal for the tests: a detached tmux session running one command, its screen read back.

``Terminal`` starts the command in a fixed-size pane (a pseudo-terminal, so Rich draws its live
views), ``screen`` is what the pane shows now (``capture-pane``), ``keys`` types into it and
``until`` waits, bounded, for the screen to satisfy a check. The session is killed on exit
by its own name, whatever the command did.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
EXITED = "EXITED="


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name
        self.screens: list[str] = []

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10)

    def screen(self) -> str:
        shown = self._tmux("capture-pane", "-p", "-t", self.name).stdout
        self.screens.append(shown)
        return shown

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended (the pane then says ``EXITED=<status>``), else None."""
        for line in reversed(self.screen().splitlines()):
            if line.startswith(EXITED):
                return int(line.removeprefix(EXITED))
        return None

    def until(self, check: Callable[[str], bool], timeout: float, what: str, interval: float = 0.5) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if check(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"the terminal did not show {what} within {timeout:g} s; it shows:\n{shown}")
            time.sleep(interval)

    def save(self, filename: str, shown: str) -> Path:
        """Keep one screen under artifacts/ (quoted in notes, kept by CI)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / filename
        path.write_text(shown, encoding="utf-8")
        return path


@contextmanager
def terminal(
    command: Sequence[str], env: Mapping[str, str], *, width: int = 120, height: int = 40
) -> Iterator[Terminal]:
    """``command`` in a fresh ``width`` x ``height`` terminal."""
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed (.ci/run installs it: apt-get install tmux)")
    name = f"aref-test-{uuid.uuid4().hex[:8]}"
    exports = " ".join(
        f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith(("AREF_", "RAY_", "PATH", "PYTHON"))
    )
    # the pane outlives the command, showing its exit status, until the session is killed
    # COLUMNS/LINES from the shell that started the tmux server would override the pane's real size
    shell = f"env -u COLUMNS -u LINES {exports} TERM=xterm-256color {shlex.join(command)}; echo {EXITED}$?; sleep 3600"
    started = subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), shell],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if started.returncode != 0:
        raise RuntimeError(f"tmux could not start: {started.stderr}")
    try:
        yield Terminal(name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, timeout=10)
