"""The live view of ``aref chaos run`` in a terminal (Rich ``Live``), fed by the runner's progress.

It shows the phase with its elapsed and remaining time, what the clients see second by second
(error rate and p99 as sparklines, from the load generator's own record), the alerts and the
mitigations as the pillars produce them (times relative to the injection), and each expectation
turning PASS or FAIL when it settles. ``LiveRun`` is the progress callback; ``render`` draws
the current state at any moment (the ``Live`` refreshes it on its own). Not in a terminal, the
plain line output (``run_progress``) is used instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from aref.cli.render.chaos import run_result
from chaos.loadgen import ClientRecord, Outcome
from chaos.runner_observation import SeenAlert, SeenEvent

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_SECONDS = 40  # how many of the latest seconds the sparklines show
RECENT = 6  # alerts and mitigations listed
ERROR_ALARM = 0.5  # an error-rate second above this is drawn red
REFRESH_PER_S = 4
MITIGATIONS = {
    "absorption.circuit_breaker_opened": lambda p: f"breaker {p.get('breaker', '?')} opened",
    "absorption.circuit_breaker_half_open": lambda p: f"breaker {p.get('breaker', '?')} half-open",
    "absorption.circuit_breaker_closed": lambda p: f"breaker {p.get('breaker', '?')} closed",
    "absorption.degradation_changed": lambda p: (
        f"{p.get('service', '?')} degraded {p.get('from_tier', '?')} -> {p.get('to_tier', '?')}"
    ),
    "adaptation.strategy_executed": lambda p: f"{p.get('strategy', '?')} on {p.get('service', '?')}",
    "adaptation.scale_requested": lambda p: f"scale {p.get('service', '?')} {p.get('current')} -> {p.get('desired')}",
    "adaptation.flag_changed": lambda p: f"flag {p.get('flag', '?')} {'on' if p.get('enabled') else 'off'}",
    "adaptation.traffic_shifted": lambda p: f"traffic {p.get('service', '?')} {p.get('weights', {})}",
    "adaptation.escalate_to_recovery": lambda p: f"escalated {p.get('service', '?')} to recovery",
    "evolution.review_generated": lambda p: f"review {p.get('review_id', '?')} written",
}
VERDICT_STYLE = {"passed": ("PASS", "green"), "failed": ("FAIL", "red"), "pending": ("....", "dim")}


def sparkline(values: Sequence[float | None], high: float | None = None, alarm: float | None = None) -> Text:
    """One block per value, scaled to ``high`` (or the largest value); a gap for a second without data;
    values above ``alarm`` in red."""
    known = [v for v in values if v is not None]
    top = high if high is not None else max(known, default=0.0)
    text = Text()
    for value in values:
        if value is None:
            text.append(" ")
            continue
        level = 0 if top <= 0 else min(len(SPARKS) - 1, int(value / top * (len(SPARKS) - 1) + 0.5))
        text.append(SPARKS[level], style="red" if alarm is not None and value > alarm else "cyan")
    return text


def per_second(outcomes: Sequence[Outcome], end: float, seconds: int) -> tuple[list[float | None], list[float | None]]:
    """Error rate and p99 latency (ms) of the requests sent in each of the last ``seconds`` seconds."""
    first = math.floor(end) - seconds + 1
    buckets: list[list[Outcome]] = [[] for _ in range(seconds)]
    for outcome in outcomes:
        slot = math.floor(outcome.at) - first
        if 0 <= slot < seconds:
            buckets[slot].append(outcome)
    errors: list[float | None] = []
    p99s: list[float | None] = []
    for bucket in buckets:
        if not bucket:
            errors.append(None)
            p99s.append(None)
            continue
        errors.append(sum(not o.ok for o in bucket) / len(bucket))
        latencies = sorted(o.latency_ms for o in bucket)
        p99s.append(latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)])
    return errors, p99s


@dataclass
class LiveRun:
    """The state of one run as the runner reports it; call it with each progress phase."""

    now: Callable[[], float] = time.time
    name: str = ""
    target: str = ""
    phase: str = "starting"
    phase_started: float = 0.0
    phase_ends: float | None = None
    expectations: list[str] = field(default_factory=list)
    verdicts: list[tuple[str, str]] = field(default_factory=list)  # (status, detail)
    client: ClientRecord = field(default_factory=ClientRecord)
    alerts: list[SeenAlert] = field(default_factory=list)
    events: list[SeenEvent] = field(default_factory=list)
    injected_at: float | None = None
    fault_id: str | None = None
    record: Mapping[str, Any] | None = None

    def __call__(self, phase: str, info: Mapping[str, Any]) -> None:
        now = self.now()
        if phase == "experiment":
            self.name, self.target = str(info["name"]), str(info["target"])
            self.expectations = [str(e) for e in info.get("expectations", ())]
            self._enter("starting", now)
        elif phase == "load_started":
            self._enter("warm-up", now, now + float(info["plan"].warmup_s))
        elif phase == "sampled":
            self.client = info["client"]
        elif phase == "standing_down":
            self._enter("waiting for AREF to stand down: " + ", ".join(info["busy"]), now)
        elif phase == "steady_state":
            self._enter("steady state " + ("ok" if info["check"].ok else "VIOLATED"), now)
        elif phase == "injected":
            fault = info["fault"]
            self.fault_id = str(fault["fault_id"])
            self.injected_at = float(fault.get("started_at", now))
            self._enter("fault acting", self.injected_at, fault.get("expires_at"))
        elif phase == "observed":
            self._observed(info)
        elif phase == "rolled_back":
            self._enter("fault rolled back, watching the recovery", float(info["at"]), self.phase_ends)
        elif phase == "steady_state_after":
            self._enter("steady state after the fault " + ("ok" if info["check"].ok else "VIOLATED"), now)
        elif phase == "done":
            self.record = info["record"].to_dict()
            self._enter("done", now)

    def _enter(self, phase: str, at: float, ends: float | None = None) -> None:
        self.phase, self.phase_started, self.phase_ends = phase, at, ends

    def _observed(self, info: Mapping[str, Any]) -> None:
        self.verdicts = [(str(v.status), v.detail) for v in info["verdicts"]]
        observation = info.get("observation")
        if observation is not None:
            self.alerts = sorted(observation.alerts, key=lambda a: a.fired_at)
            self.events = sorted((e for e in observation.events if e.topic in MITIGATIONS), key=lambda e: e.timestamp)
        if self.phase.startswith("fault rolled back") and info.get("until") is not None:
            self.phase_ends = float(info["until"])

    # -- drawing ------------------------------------------------------------------------------

    def render(self) -> RenderableType:
        now = self.now()
        parts: list[RenderableType] = [self._header(now), self._clients(now), self._happenings(), self._hypothesis()]
        return Group(*parts)

    def _header(self, now: float) -> Text:
        title = Text(f"chaos run {self.name or '...'}", style="bold")
        if self.target:
            title.append(f" on {self.target}")
        title.append("   ")
        title.append(self.phase, style="bold yellow" if "VIOLATED" in self.phase else "bold cyan")
        elapsed = max(0.0, now - self.phase_started) if self.phase_started else 0.0
        title.append(f"   {elapsed:.1f} s elapsed")
        if self.phase_ends is not None:
            title.append(f", {max(0.0, float(self.phase_ends) - now):.1f} s left")
        if self.fault_id:
            title.append(f"   fault {self.fault_id}", style="dim")
        return title

    def _clients(self, now: float) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        errors, p99s = per_second(self.client.outcomes, now, SPARK_SECONDS)
        while errors and errors[0] is None:  # start at the first second with an answer
            errors, p99s = errors[1:], p99s[1:]
        stats = self.client.stats()
        last_error = next((e for e in reversed(errors) if e is not None), None)
        last_p99 = next((p for p in reversed(p99s) if p is not None), None)
        error_now = "-" if last_error is None else f"{last_error:.0%} now"
        p99_now = "-" if last_p99 is None else f"{last_p99:.0f} ms now"
        grid.add_row("clients error rate", sparkline(errors, high=1.0, alarm=ERROR_ALARM), error_now)
        grid.add_row("clients p99", sparkline(p99s), p99_now)
        rate = "-" if stats.error_rate is None else f"{stats.error_rate:.1%}"
        grid.add_row("clients so far", Text(f"{stats.requests} requests, {stats.errors} failed ({rate})"), "")
        return grid

    def _happenings(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(overflow="fold")
        if not self.alerts and not self.events:
            grid.add_row("pillars", "", Text("no alert or mitigation yet", style="dim"))
        for alert in self.alerts[-RECENT:]:
            text = f"{alert.id} {alert.service} {alert.detector} {alert.severity}".rstrip()
            grid.add_row("alert", self._since(alert.fired_at), Text(text, style="red"))
        for event in self.events[-RECENT:]:
            grid.add_row("mitigation", self._since(event.timestamp), MITIGATIONS[event.topic](event.payload))
        return grid

    def _since(self, at: float) -> str:
        return "" if self.injected_at is None else f"{at - self.injected_at:+.1f} s"

    def _hypothesis(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_column(overflow="fold", style="dim")
        for i, expected in enumerate(self.expectations):
            status, detail = self.verdicts[i] if i < len(self.verdicts) else ("pending", "")
            mark, style = VERDICT_STYLE.get(status, ("?", ""))
            grid.add_row(Text(mark, style=f"bold {style}"), expected, detail)
        return grid


@contextmanager
def live_run(
    console: Console, now: Callable[[], float] = time.time
) -> Iterator[Callable[[str, Mapping[str, Any]], None]]:
    """A progress callback drawing ``LiveRun`` on ``console`` while the block runs; the final record after it."""
    state = LiveRun(now=now)
    with Live(console=console, get_renderable=state.render, refresh_per_second=REFRESH_PER_S, transient=False):
        yield state
    if state.record is not None:
        run_result(console, state.record)
