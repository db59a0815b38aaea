"""``aref watch``: a live, refreshing view of the cluster in the terminal, driven by single keys.

In a terminal, a rich ``Live`` screen is redrawn from the API every ``--interval`` seconds; keys
switch the focused panel and ``q`` (or Ctrl-C) quits with 0. When the API cannot be reached the
screen says so on one line and keeps retrying. Outside a terminal (stdin or stdout not a TTY:
piped, CI) or with ``--once`` it prints one snapshot of every panel; ``--json`` prints the
gathered views once. Those one-shot forms fail like every command (one line, exit 2).

Two seams keep the loop testable without a TTY or real time: the ``Terminal`` it draws on and
reads keys from (``open_terminal``; tests replace it), and the ``Runtime``'s monotonic clock,
which decides when to refresh.
"""

from __future__ import annotations

import os
import re
import select
import signal
import sys
import termios
import threading
import time
import tty
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Any, Protocol

import click
from rich.console import Console, RenderableType
from rich.live import Live

from aref.cli import render
from aref.cli.client import ArefClient
from aref.cli.errors import CliError
from aref.cli.runtime import Runtime, session
from chaos.runner_main import raise_interrupt

FOCUS_KEYS = {
    **dict.fromkeys(("1", "o", "\x1b"), "overview"),  # a lone Esc goes back to the overview
    **dict.fromkeys(("2", "s"), "services"),
    **dict.fromkeys(("3", "a"), "alerts"),
    **dict.fromkeys(("4", "c"), "chaos"),
    **dict.fromkeys(("5", "e"), "events"),
}
NEXT_KEYS = ("\t", "\x1b[C")  # tab, right arrow
PREVIOUS_KEYS = ("\x1b[Z", "\x1b[D")  # shift-tab, left arrow
REFRESH_KEYS = ("r",)
QUIT_KEYS = ("q", "Q", "\x04")  # q, Ctrl-D
KEY = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1bO.|.", re.DOTALL)  # an escape sequence, or one character
RESIZE_POLL_S = 0.25  # how often the real terminal looks for a new window size while waiting for keys


class Keys(Protocol):
    def read(self, timeout: float) -> str:
        """What was typed, waiting at most ``timeout`` seconds ("" when nothing was)."""
        ...


class Terminal(Keys, Protocol):
    def show(self, view: RenderableType) -> None:
        """Draw ``view`` in place of the previous one."""
        ...


def keys(typed: str) -> list[str]:
    """``typed`` split into keys: an arrow's escape sequence is one key."""
    return KEY.findall(typed)


# -- the live loop --------------------------------------------------------------------------


def gather(client: ArefClient, limit: int) -> dict[str, Any]:
    """Every view the screen shows, from one round of reads."""
    return {
        "status": client.status(),
        "services": client.services(),
        "alerts": client.alerts(),
        "chaos": client.chaos_status(),
        "recovery": client.pillar("recovery"),
        "timeline": client.timeline(limit=limit),
    }


@dataclass
class Watch:
    """The refresh loop: gather every ``interval`` seconds on the runtime's clock, redraw, obey keys."""

    client: ArefClient
    runtime: Runtime
    interval: float
    limit: int
    wall: Callable[[], float] = time.time  # when a refresh answered, as shown on screen
    focus: str = "overview"
    frame: render.watch.Frame = field(init=False)

    def __post_init__(self) -> None:
        self.frame = render.watch.Frame(self.client.url, self.interval)

    def run(self, terminal: Terminal) -> None:
        """Until ``q``: refresh when due, and between refreshes read keys (redrawing on each)."""
        monotonic = self.runtime.monotonic
        due = monotonic()
        while True:
            if monotonic() >= due:
                self.refresh()
                due = monotonic() + self.interval
                terminal.show(self.view())
            for key in keys(terminal.read(max(0.0, due - monotonic()))):
                if key in QUIT_KEYS:
                    return
                if key in REFRESH_KEYS:
                    due = monotonic()
                elif self.switch(key):
                    terminal.show(self.view())

    def refresh(self) -> None:
        try:
            data = gather(self.client, self.limit)
        except CliError as exc:  # unreachable, or an error answer: say so, keep the last data, retry
            self.frame = render.watch.Frame(
                self.frame.url, self.interval, self.frame.data, self.frame.refreshed_at, exc.format_message()
            )
        else:
            self.frame = render.watch.Frame(self.frame.url, self.interval, data, self.wall())

    def switch(self, key: str) -> bool:
        """Focus the panel ``key`` names; False when it names none."""
        foci = render.watch.FOCI
        if key in FOCUS_KEYS:
            self.focus = FOCUS_KEYS[key]
        elif key in NEXT_KEYS or key in PREVIOUS_KEYS:
            step = 1 if key in NEXT_KEYS else -1
            self.focus = foci[(foci.index(self.focus) + step) % len(foci)]
        else:
            return False
        return True

    def view(self) -> RenderableType:
        return render.watch.screen(self.frame, self.focus)


# -- the real terminal ----------------------------------------------------------------------


class TtyTerminal:
    """The terminal in cbreak mode (keys arrive one by one, unechoed) under a full-screen ``Live``.

    Leaving it, however that happens (``q``, Ctrl-C, SIGTERM, an error), leaves the alternate
    screen, shows the cursor and restores the terminal's modes.
    """

    def __init__(self, console: Console, stdin: IO[Any]) -> None:
        self._console = console
        self._fd = stdin.fileno()
        self._stack = ExitStack()
        self._live: Live | None = None
        self._size = console.size

    def __enter__(self) -> TtyTerminal:
        with ExitStack() as stack:
            saved = termios.tcgetattr(self._fd)
            stack.callback(termios.tcsetattr, self._fd, termios.TCSADRAIN, saved)
            tty.setcbreak(self._fd)
            stack.enter_context(sigterm_interrupts())
            live = Live(
                console=self._console, screen=True, auto_refresh=False, redirect_stdout=False, redirect_stderr=False
            )
            self._live = stack.enter_context(live)
            self._stack = stack.pop_all()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._live = None
        self._stack.__exit__(kind, exc, trace)

    def show(self, view: RenderableType) -> None:
        if self._live is not None:
            self._size = self._console.size
            self._live.update(view, refresh=True)

    def read(self, timeout: float) -> str:
        """Keys typed within ``timeout`` (returning early, with "", to redraw after a resize)."""
        ready, _, _ = select.select([self._fd], [], [], min(timeout, RESIZE_POLL_S))
        if ready:
            return os.read(self._fd, 1024).decode("utf-8", errors="replace")
        if self._live is not None and self._console.size != self._size:
            self._size = self._console.size
            self._live.refresh()
        return ""


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM unwinds like Ctrl-C (so the terminal is restored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def open_terminal(console: Console) -> AbstractContextManager[Terminal] | None:
    """The terminal to run the live view in; None when stdin or stdout is not one."""
    stdout = console.file
    if not (sys.stdin.isatty() and stdout.isatty()):
        return None
    return TtyTerminal(console, sys.stdin)


# -- the command ----------------------------------------------------------------------------


@click.command()
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds between refreshes.",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True, help="Recent events to show.")
@click.option("--once", is_flag=True, help="Print one snapshot of every panel and exit, even in a terminal.")
@click.option("--json", "as_json", is_flag=True, help="Print the gathered views as JSON once and exit.")
def watch(interval: float, limit: int, once: bool, as_json: bool) -> None:
    """A live view of the cluster, refreshed every --interval seconds.

    \b
    Keys: 1/o overview, 2/s services, 3/a alerts, 4/c chaos, 5/e events,
          tab/arrows next and previous, r refresh now, q (or Ctrl-C) quit.
    Not in a terminal (piped, CI) or with --once: one snapshot of every panel.
    """
    s = session()
    client = s.client()
    if as_json:
        render.raw(gather(client, limit))
        return
    terminal = None if once else open_terminal(s.console)
    if terminal is None:
        render.watch.snapshot(s.console, s.url, gather(client, limit))
        return
    try:
        with terminal as screen:
            Watch(client, s.runtime, interval, limit).run(screen)
    except KeyboardInterrupt:  # Ctrl-C is a way to quit, not a failure
        pass
