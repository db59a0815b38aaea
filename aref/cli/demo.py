"""``aref demo``: the 12-step walkthrough of one experiment, end to end, for a newcomer.

1 preflight, 2 baseline, 3 deep health, 4-9 one experiment run by the experiment runner (as
``aref chaos run``: live traffic and steady state, chaos inject, incident traffic, chaos
rollback, recovery traffic, verdict), 10 pillar deep-dive, 11 the fault's timeline, 12 final CRS
and the before/after comparison. Each step starts with a numbered header. ``--pause`` waits for
Enter between steps, but never inside the live run (steps 4-9: a pause there would stretch the
fault). ``--json`` prints one JSON document (``baseline``, ``run``, ``after``, ``comparison``) and
sends the steps to stderr.

Exit codes: 0 the demo completed, *whatever the hypothesis verdict*: a failed expectation is a
finding the demo shows (steps 9 and 12), not a failure of the demo (``aref chaos run`` exits 1
for that); 2 unreachable, refused (error budget, steady state) or bad input, one line on stderr;
130 interrupted (Ctrl-C or SIGTERM; the runner has rolled the fault back).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import click
from rich.console import Console

from aref.cli import render
from aref.cli.client import ArefClient
from aref.cli.errors import EXIT_INTERRUPTED, CliError
from aref.cli.runtime import Session, session
from aref.errors import ArefError
from aref.models import Pillar
from chaos.report import to_json
from chaos.runner_main import RunOptions, Stop, install_stop_handlers, resolve, run_experiments
from chaos.runner_ports import Progress

DEFAULT_EXPERIMENT = "payment_provider_failure"
DEFAULT_TIME_SCALE = 0.25
PILLARS = tuple(p.value for p in Pillar)
STEPS: tuple[tuple[str, str], ...] = (
    ("Preflight", "Is AREF answering at this URL, and are the services up?"),
    ("Baseline", "How resilient the system is before the experiment: CRS per risk profile, pillars, MTTD/MTTR."),
    ("Deep health", "Every service: health, running/target replicas, degradation tier, latest telemetry."),
    ("Live traffic", "The runner checks the error budget, sends orders to the gateway and checks the steady state."),
    ("Chaos inject", "The experiment's fault goes in through the API."),
    ("Incident traffic", "Orders keep flowing while the fault acts; expectations: + held, x failed, . pending."),
    ("Chaos rollback", "The fault is rolled back once the hypothesis is settled or the fault's time is up."),
    ("Recovery traffic", "Orders keep flowing until the steady state is back; then it is checked again."),
    ("Verdict", "Each expectation of the hypothesis, what was measured, and the headline times."),
    ("Pillar deep-dive", "What each pillar did: detection, absorption, adaptation, recovery, evolution."),
    ("Timeline", "The incident's chain of events, by the first alert's correlation id (else the fault's)."),
    ("Final CRS and comparison", "The baseline's numbers again, before and after, and the verdict."),
)
LIVE = range(5, 10)  # entering these steps happens inside the run: no pause
RUN_STEPS = {"experiment": 4, "budget": 4, "load_started": 4, "steady_state": 4, "injected": 5, "done": 9}
INTERRUPTED = "interrupted: no fault was left active"


class Steps:
    """The numbered headers, in order: entering step n first shows any step skipped on the way."""

    def __init__(self, console: Console, pause: Callable[[], None] | None = None) -> None:
        self.console = console
        self.current = 0
        self._pause = pause

    def enter(self, number: int) -> None:
        while self.current < number:
            if self.current and self._pause is not None and self.current + 1 not in LIVE:
                self._pause()
            self.current += 1
            title, about = STEPS[self.current - 1]
            render.demo.step(self.console, self.current, len(STEPS), title, about)
            if self.current < number:
                render.line(self.console, "  nothing was reported in this step", "dim")


def wait_for_enter() -> None:
    click.prompt("Press Enter for the next step", default="", show_default=False, err=True)


@click.command()
@click.option("--experiment", default=DEFAULT_EXPERIMENT, show_default=True, help="The experiment (name or YAML path).")
@click.option(
    "--time-scale",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=DEFAULT_TIME_SCALE,
    show_default=True,
    help="Multiply every duration of the experiment by this.",
)
@click.option("--force", is_flag=True, help="Run despite a low error budget or a broken steady state.")
@click.option("--pause", is_flag=True, help="Wait for Enter between steps (not inside the live run, steps 4-9).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document; the steps go to stderr.")
def demo(experiment: str, time_scale: float, force: bool, pause: bool, as_json: bool) -> None:
    """Walk through one chaos experiment in 12 steps, from the baseline to the before/after comparison."""
    s = session()
    try:
        resolve([experiment])  # an unknown name is refused before anything is shown
    except ArefError as exc:
        raise CliError(str(exc)) from None
    install_stop_handlers()
    shown = Console(stderr=True, width=s.console.width) if as_json else s.console  # stdout is the JSON's
    steps = Steps(shown, wait_for_enter if pause else None)
    options = RunOptions(s.url, s.token, time_scale=time_scale, force=force)
    try:
        document = walk(s, steps, experiment, options)
    except (KeyboardInterrupt, click.exceptions.Abort) as exc:
        prompted = isinstance(exc, click.exceptions.Abort)  # Ctrl-C or end of input at a pause: end its line
        click.echo(("\n" if prompted else "") + INTERRUPTED, err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    if as_json:
        click.echo(json.dumps(document, indent=2))


def walk(s: Session, steps: Steps, experiment: str, options: RunOptions) -> dict[str, Any]:
    """The 12 steps; returns the JSON document."""
    client, console = s.client(), steps.console
    steps.enter(1)
    status, services = client.status(), client.services()["services"]
    if not services:
        raise CliError(f"AREF at {s.url} reports no services: is the stack deployed ('aref up')?")
    render.demo.preflight(console, s.url, status, services)
    steps.enter(2)
    before = snapshot(client)
    render.demo.snapshot(console, before)
    steps.enter(3)
    render.services(console, client.services())
    run = experiment_run(s, steps, experiment, options)
    steps.enter(10)
    render.demo.deep_dive(console, {name: client.pillar(name) for name in PILLARS}, run)
    steps.enter(11)
    correlation_id = run.get("incident_correlation_id") or run["correlation_id"]  # the incident's, else the fault's
    if correlation_id is None:
        render.line(console, "the fault came back without a correlation id: no timeline to follow")
    else:
        render.timeline(console, client.timeline(correlation_id=correlation_id))
    steps.enter(12)
    after = snapshot(client)
    comparison = compare(before, after, run)
    render.demo.comparison(console, comparison)
    return {"baseline": before, "run": run, "after": after, "comparison": comparison}


def experiment_run(s: Session, steps: Steps, experiment: str, options: RunOptions) -> dict[str, Any]:
    """Steps 4-9: the experiment runner, as ``aref chaos run`` drives it; the run record as JSON data."""
    steps.enter(4)  # here, not in the runner's callback: a pause must come before anything starts
    outcome = run_experiments([experiment], options, progress=progress(steps), connect=s.runtime.run_ports)
    if outcome.stopped is Stop.INTERRUPTED:
        click.echo(outcome.message, err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    if outcome.stopped is not None:
        raise CliError(outcome.reason if outcome.stopped is Stop.ERROR else str(outcome.message))
    for warning in outcome.warnings():
        click.echo(warning, err=True)
    (record,) = outcome.records
    data: dict[str, Any] = json.loads(to_json(record))
    if data["rollback_error"]:
        render.line(steps.console, f"the rollback failed: {data['rollback_error']}", "bold red")
    return data


def progress(steps: Steps) -> Progress:
    """The runner's phases as demo steps, each drawn as ``aref chaos run`` draws it."""
    draw = render.run_progress(steps.console)
    rolled_back: list[bool] = []

    def show(phase: str, info: Mapping[str, Any]) -> None:
        if phase == "rolled_back":
            rolled_back.append(True)
            steps.enter(7)
        elif phase in ("observed", "steady_state_after"):
            steps.enter(8 if rolled_back or phase == "steady_state_after" else 6)
        else:
            steps.enter(RUN_STEPS.get(phase, steps.current))
        draw(phase, info)

    return show


# -- the numbers before and after ------------------------------------------------------------------


def snapshot(client: ArefClient) -> dict[str, Any]:
    """CRS per risk profile, pillar levels, MTTD, MTTR, availability and alerts, from the API."""
    status, metrics = client.status(), client.metrics()
    counts = client.pillar("detection")["alert_counts"]
    return {
        "at": metrics["at"],
        "risk_profile": status["risk_profile"],
        "crs": status["crs"],
        "crs_by_profile": dict(metrics["crs_by_profile"]),
        "pillars": {name: {"level": p["level"], "label": p["label"]} for name, p in status["pillars"].items()},
        "mttd_s": metrics["mttd"]["seconds"],
        "mttr_s": metrics["mttr"]["seconds"],
        "incidents": metrics["mttr"]["incidents"],
        "availability": metrics["availability"]["overall"],
        "open_alerts": status["alerts"]["open"],
        "alerts_fired": counts.get("fired_since_start"),
    }


def compare(before: Mapping[str, Any], after: Mapping[str, Any], run: Mapping[str, Any]) -> dict[str, Any]:
    """One row per measure (``before``, ``after``, ``change``), and the run's verdict."""
    rows = [
        *(row(f"CRS {p}", "crs", before["crs_by_profile"].get(p), v) for p, v in after["crs_by_profile"].items()),
        *(row(f"{p} level", "level", before["pillars"][p]["level"], v["level"]) for p, v in after["pillars"].items()),
        row("MTTD", "s", before["mttd_s"], after["mttd_s"]),
        row("MTTR", "s", before["mttr_s"], after["mttr_s"]),
        row("availability", "ratio", before["availability"], after["availability"]),
        row("open alerts", "count", before["open_alerts"], after["open_alerts"]),
        row("alerts fired", "count", before["alerts_fired"], after["alerts_fired"]),
    ]
    expectations = run["expectations"]
    hypothesis = {
        "experiment": run["experiment"],
        "run_id": run["id"],
        "passed": run["passed"],
        "expectations": len(expectations),
        "failed": [e["expected"] for e in expectations if not e["passed"]],
    }
    return {"measures": rows, "hypothesis": hypothesis}


def row(measure: str, unit: str, before: Any, after: Any) -> dict[str, Any]:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after))
    delta = None if not numbers else after - before if unit in ("level", "count") else round(after - before, 6)
    return {"measure": measure, "unit": unit, "before": before, "after": after, "change": delta}
