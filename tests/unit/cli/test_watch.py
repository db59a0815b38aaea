"""``aref watch`` against the real API over the in-memory engines: the one-shot snapshot, and the
live loop driven by a scripted terminal on the harness's fake clock (no TTY, no sleeping).

``Scripted`` stands in for the terminal (``aref.cli.watch.open_terminal``): each ``read`` takes
the next step of its script, keys typed at once, or ``WAIT``: nothing typed, and the whole wait
passes on the fake clock (the harness's ``sleep``). Each frame the loop shows is kept as text.
The real terminal (cbreak mode, restored on exit) is tried on a pseudo-terminal.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import termios
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType

import httpx
import pytest
from rich.console import Console, RenderableType

from aref.cli import watch as watch_command
from aref.cli.render.watch import clock
from aref.cli.watch import TtyTerminal, keys
from aref.control.plane import ControlPlane
from tests.unit.cli.conftest import UNREACHABLE, URL, Harness, forwarding, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run
WAIT = None  # a script step: no key within the wait
CTRL_C = "<ctrl-c>"  # a script step: Ctrl-C (SIGINT, so KeyboardInterrupt: cbreak mode keeps signals)
VIEWS = ("status", "services", "alerts", "chaos", "recovery", "timeline")


@dataclass
class Scripted:
    """A terminal whose keys come from ``script`` and whose frames are kept as plain text."""

    harness: Harness
    script: list[str | None]
    width: int = 160
    height: int = 48
    frames: list[str] = field(default_factory=list)
    reads: list[float] = field(default_factory=list)  # the timeout of each read
    entered: bool = False
    exited: bool = False

    def __enter__(self) -> Scripted:
        self.entered = True
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.exited = True

    def show(self, view: RenderableType) -> None:
        console = Console(width=self.width, height=self.height, color_system=None, file=io.StringIO(), record=True)
        console.print(view)
        self.frames.append(console.export_text())

    def read(self, timeout: float) -> str:
        self.reads.append(timeout)
        if not self.script:
            raise AssertionError("the script ran out before the watch quit")
        step = self.script.pop(0)
        if step == CTRL_C:
            raise KeyboardInterrupt
        if step is None:
            self.harness.sleep(timeout)
            return ""
        return step


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[[Harness, list[str | None]], Scripted]:
    """Run ``aref watch`` in a scripted terminal instead of the real one."""

    def install(harness: Harness, script: list[str | None]) -> Scripted:
        terminal = Scripted(harness, script)
        monkeypatch.setattr(watch_command, "open_terminal", lambda console: terminal)
        return terminal

    return install


def plain(frame: str) -> str:
    """A frame with the panels' borders taken out, so ``row`` finds the table rows."""
    return "\n".join(line.replace("│", " ") for line in frame.splitlines())


def incident(plane: ControlPlane, harness: Harness) -> str:
    """A fault on payments with traffic until its alerts fire; returns the fault's id."""
    fault = run(plane.start_experiment("cascading_failure"))
    run_traffic(plane, harness.clock, 5)
    return str(fault["fault_id"])


# -- the snapshot (not a terminal, --once, --json) ------------------------------------------


def test_the_snapshot_shows_every_service_with_its_replicas_the_fault_and_the_alerts(
    harness: Harness, plane: ControlPlane
) -> None:
    run(plane.scale("orders", 3))
    fault_id = incident(plane, harness)
    result = harness.invoke("watch")  # CliRunner: stdin and stdout are not terminals
    assert result.exit_code == 0, result.output
    out = plain(result.output)
    status = run(plane.status())
    assert out.splitlines()[0] == f"aref watch · {URL} · AREF {status['version']} · as of {clock(status['at'])}"
    assert f"CRS {status['crs']:.2f} / 5 ({status['crs_percent']:.0f}%) balanced" in out
    for name, score in status["pillars"].items():
        assert row(out, name) == [name, f"L{score['level']}", score["label"]]
    for s in run(plane.services())["services"]:
        replicas = f"{s['replicas']['running']}/{s['replicas']['target']}"
        cells = row(out, s["name"])  # the services table comes first
        assert cells[:6] == [s["name"], s["status"], replicas, s["degradation_tier"], str(s["open_alerts"]), cells[5]]
        assert int(cells[5]) == len(s["active_faults"])
        assert all(replica_id in out for replica_id in s["replicas"]["running_ids"])
    orders = next(s for s in run(plane.services())["services"] if s["name"] == "orders")
    assert orders["replicas"]["running"] == 3
    assert len(set(orders["replicas"]["running_ids"])) == 3
    assert row(out, fault_id)[:3] == [fault_id, "payments", "error"]
    alerts = run(plane.alerts())["active"]
    assert alerts
    for alert in alerts:
        assert row(out, alert["id"])[:5] == [alert["id"], "payments", alert["metric"], alert["severity"], "firing"]
    recovery = run(plane.recovery())["active"][0]
    assert row(out, recovery["incident_id"])[:3] == [recovery["incident_id"], "payments", recovery["tier"]]
    assert "chaos.fault_injected" in out
    assert "detection.alert_fired" in out
    assert harness.slept == []


def test_the_snapshot_says_what_is_empty(harness: Harness) -> None:
    out = harness.invoke("watch").output
    for empty in ("no alert is firing or acknowledged", "no fault is active", "no recovery is running"):
        assert empty in out


def test_json_is_every_view_gathered_once(harness: Harness, plane: ControlPlane) -> None:
    incident(plane, harness)
    data = harness.json("watch")
    assert list(data) == list(VIEWS)
    assert data["status"] == run(plane.status())
    assert data["services"] == run(plane.services())
    assert data["chaos"] == run(plane.chaos_status())
    assert data["recovery"] == run(plane.recovery())
    assert len(data["timeline"]["events"]) == data["timeline"]["matched"]  # fewer than --limit 30


def test_json_and_once_never_open_the_terminal(
    harness: Harness, plane: ControlPlane, scripted: Callable[[Harness, list[str | None]], Scripted]
) -> None:
    incident(plane, harness)
    terminal = scripted(harness, [])
    assert len(json.loads(harness.invoke("watch", "--json", "--limit", "3").stdout)["timeline"]["events"]) == 3
    once = harness.invoke("watch", "--once")
    assert once.exit_code == 0
    assert "Recent events" in once.output
    assert not terminal.entered


# -- the live loop --------------------------------------------------------------------------


def test_keys_switch_the_focused_panel_and_q_quits_with_0(
    harness: Harness, plane: ControlPlane, scripted: Callable[[Harness, list[str | None]], Scripted]
) -> None:
    fault_id = incident(plane, harness)
    terminal = scripted(harness, ["2", "3", "4", "5", "1", "e", "\t", "\x1b[D", "x", "q"])
    result = harness.invoke("watch")
    assert result.exit_code == 0, result.output
    assert terminal.entered
    assert terminal.exited
    overview, services, alerts, chaos, events, back, letter, wrapped, left = terminal.frames  # "x" draws nothing
    footer = " 1 overview  2 services  3 alerts  4 chaos  5 events   r refresh  q quit"
    assert all(frame.splitlines()[-1].rstrip() == footer for frame in terminal.frames)
    assert "╭─ CRS and pillars" in overview
    assert "╭─ Services" in overview
    assert "╭─ Recent events" in overview
    assert "╭─ Replicas" not in overview
    assert "╭─ Services" in services
    assert "╭─ Replicas" in services
    assert "replica ids" in services
    assert "payments-sim-" in services
    assert "╭─ Recent events" not in services
    assert "Recently resolved" in alerts
    assert "╭─ Services" not in alerts
    assert "Rolled back faults" in chaos
    assert fault_id in chaos
    assert "Active recoveries" in chaos
    assert "╭─ Recent events" in events
    assert "chaos.fault_injected" in events
    assert "╭─ Services" not in events
    assert back == overview
    assert letter == events
    assert wrapped == overview  # tab after the last panel comes back to the first
    assert left == events  # left arrow: the previous panel
    assert terminal.reads == [2.0] * 10  # no time passed, so the refresh stayed 2 s away
    assert harness.slept == []


def test_the_screen_refreshes_every_interval_and_shows_what_changed(
    harness: Harness, plane: ControlPlane, scripted: Callable[[Harness, list[str | None]], Scripted]
) -> None:
    faults: list[str] = []

    def later(seconds: float) -> None:  # while the watch waits, a fault is injected
        harness.clock.advance(seconds)
        if not faults:
            faults.append(run(plane.start_experiment("cascading_failure"))["fault_id"])

    harness.on_sleep = later
    terminal = scripted(harness, [WAIT, "r", WAIT, "q"])
    result = harness.invoke("watch", "--interval", "5")
    assert result.exit_code == 0
    assert harness.slept == [5.0, 5.0]
    before, after, refreshed, last = terminal.frames  # "r" refreshes at once
    assert "no fault is active" in before
    assert "faults 0 active (none)" in before
    assert faults[0] in after
    assert "faults 1 active (payments)" in after
    assert faults[0] in refreshed
    assert faults[0] in last
    assert "every 5 s" in before.splitlines()[0]


def test_a_stopped_stack_is_one_line_in_the_live_view_and_it_keeps_retrying_until_q(
    offline: Harness, scripted: Callable[[Harness, list[str | None]], Scripted]
) -> None:
    terminal = scripted(offline, [WAIT, WAIT, "2", "q"])
    result = offline.invoke("watch", url=UNREACHABLE)
    assert result.exit_code == 0
    assert result.output == ""  # nothing on stdout or stderr: the screen says it
    assert len(terminal.frames) == 4  # the first try, two retries, the services key
    for frame in terminal.frames:
        errors = [line for line in frame.splitlines() if "cannot reach AREF" in line]
        assert len(errors) == 1
        assert errors[0].startswith(f"cannot reach AREF at {UNREACHABLE}: ")
        assert errors[0].rstrip().endswith("(retrying every 2 s)")
        assert "not refreshed yet" in frame
        assert "no answer from AREF yet" in frame
        assert "Traceback" not in frame
    assert offline.slept == [2.0, 2.0]


def test_the_live_view_comes_back_with_the_stack_and_keeps_the_last_data_while_it_is_away(
    harness: Harness, scripted: Callable[[Harness, list[str | None]], Scripted]
) -> None:
    down = [False]
    calls: list[str] = []

    def refuse(request: httpx.Request) -> bool:
        calls.append(request.url.path)
        return down[0]

    harness.routes[URL] = forwarding(harness.app, refuse)
    harness.on_sleep = lambda seconds: (harness.clock.advance(seconds), down.__setitem__(0, not down[0]))
    terminal = scripted(harness, [WAIT, WAIT, "q"])
    assert harness.invoke("watch").exit_code == 0
    up, away, back = terminal.frames
    assert "cannot reach AREF" not in up
    assert "gateway" in up
    assert "cannot reach AREF at http://aref.test:8000: [Errno 111] Connection refused" in away
    assert "gateway" in away  # the last answer stays on screen
    assert "cannot reach AREF" not in back
    assert len(calls) == 6 + 1 + 6  # a whole round, one refused call, a whole round


def test_ctrl_c_quits_cleanly_with_0(
    harness: Harness, scripted: Callable[[Harness, list[str | None]], Scripted]
) -> None:
    terminal = scripted(harness, ["3", CTRL_C])
    result = harness.invoke("watch")
    assert result.exit_code == 0
    assert terminal.exited
    assert result.output == ""


def test_the_interval_must_be_positive(harness: Harness) -> None:
    result = harness.invoke("watch", "--interval", "0")
    assert result.exit_code == 2
    assert "--interval" in result.output


@pytest.mark.parametrize(
    ("typed", "split"),
    [
        ("", []),
        ("q", ["q"]),
        ("12", ["1", "2"]),
        ("\x1b[A2\x1b[Dq", ["\x1b[A", "2", "\x1b[D", "q"]),  # an arrow is one key, not "[" and "A"
        ("\x1bOP\t", ["\x1bOP", "\t"]),
        ("\x1b", ["\x1b"]),
    ],
)
def test_typed_text_splits_into_keys(typed: str, split: list[str]) -> None:
    assert keys(typed) == split


# -- the real terminal, on a pseudo-terminal ------------------------------------------------


@pytest.fixture
def pty() -> Iterator[tuple[int, io.FileIO]]:
    """A pseudo-terminal: the controller's fd (to type into), and the terminal side as a file."""
    controller, side = os.openpty()
    with os.fdopen(side, "rb", buffering=0) as terminal:
        try:
            yield controller, terminal
        finally:
            os.close(controller)


def test_the_real_terminal_reads_keys_in_cbreak_mode_and_restores_the_terminal(pty: tuple[int, io.FileIO]) -> None:
    controller, side = pty
    before = termios.tcgetattr(side.fileno())
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80, height=24, color_system=None)
    with TtyTerminal(console, side) as terminal:
        modes = termios.tcgetattr(side.fileno())
        assert not modes[3] & termios.ICANON
        assert not modes[3] & termios.ECHO
        terminal.show("hello")
        assert terminal.read(0) == ""
        os.write(controller, b"2q")
        assert terminal.read(5) == "2q"  # already typed: returns at once
    assert termios.tcgetattr(side.fileno()) == before
    screen = out.getvalue()  # the alternate screen, entered and left again
    assert screen.index("\x1b[?1049h") < screen.index("hello") < screen.rindex("\x1b[?1049l")


def test_the_real_terminal_is_restored_after_ctrl_c(pty: tuple[int, io.FileIO]) -> None:
    _controller, side = pty
    before = termios.tcgetattr(side.fileno())
    console = Console(file=io.StringIO(), force_terminal=True, width=80, height=24)
    with pytest.raises(KeyboardInterrupt), TtyTerminal(console, side):
        raise KeyboardInterrupt
    assert termios.tcgetattr(side.fileno()) == before
