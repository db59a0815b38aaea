"""``aref chaos list | run NAME | stop | status``: chaos experiments through the API.

``run`` is the experiment runner (``chaos.runner_main.run_experiments``, shared with
``python -m chaos.runner_main``): it checks the error budget, starts load on the gateway (the
cluster's loadgen actor through the API, or ``--load-from local``), checks the steady state,
injects the fault, judges every expectation of the hypothesis, rolls the fault back, stores
the run record through the API, and shows each phase.
Exit codes: 0 every expectation held, 1 one failed, 2 refused / unreachable / bad input (one
line on stderr), 130 interrupted (Ctrl-C or SIGTERM, after the rollback).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console

from aref.cli import render
from aref.cli.errors import EXIT_INTERRUPTED, CliError
from aref.cli.runtime import json_option, session
from chaos.report import junit_xml, to_json
from chaos.runner import RunnerConfig
from chaos.runner_main import LOAD_SOURCES, RunOptions, Stop, install_stop_handlers, run_experiments
from chaos.runner_ports import Progress


@click.group()
def chaos() -> None:
    """Chaos experiments: list, run, stop, status."""


@chaos.command("list")
@json_option
def list_experiments(as_json: bool) -> None:
    """The experiments the API can run, with their hypotheses."""
    s = session()
    render.show(s.console, s.client().experiments(), as_json, render.experiments)


@chaos.command()
@json_option
def stop(as_json: bool) -> None:
    """Stop every active fault now."""
    s = session()
    data = s.client().stop_chaos()
    if as_json:
        render.raw(data)
    else:
        render.faults(s.console, "Stopped faults", data["stopped"], "no fault was active")


@chaos.command("status")
@json_option
def chaos_status(as_json: bool) -> None:
    """Active faults and the recently rolled back ones."""
    s = session()
    data = s.client().chaos_status()
    if as_json:
        render.raw(data)
        return
    render.faults(s.console, "Active faults", data["active"], "no fault is active")
    render.faults(s.console, "Recently rolled back", data["recent"], "no fault has ended yet")


@contextmanager
def progress_view(console: Console) -> Iterator[Progress]:
    """The live view in a terminal; plain lines otherwise (a pipe, a CI log, ``--json``'s stderr)."""
    if console.is_terminal and not console.is_dumb_terminal:
        with render.live_run(console) as live:
            yield live
    else:
        yield render.run_progress(console)


@chaos.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the run record as JSON (progress goes to stderr).")
@click.option("--junit", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write JUnit XML here.")
@click.option(
    "--time-scale", type=float, default=1.0, show_default=True, help="Multiply every duration by this (0 < f <= 1)."
)
@click.option("--force", is_flag=True, help="Run despite a low error budget or a broken steady state.")
@click.option(
    "--budget-floor",
    type=float,
    default=RunnerConfig().budget_floor,
    show_default=True,
    help="Refuse when the target's error budget left outside earlier experiments is below this share.",
)
@click.option(
    "--stand-down-wait",
    type=float,
    default=RunnerConfig().rest_wait_s,
    show_default=True,
    help="Before the fault, wait at most this many seconds for AREF to lift earlier tiers and flags.",
)
@click.option(
    "--load-from",
    type=click.Choice(LOAD_SOURCES),
    default="cluster",
    show_default=True,
    help="Who sends the orders: the cluster's loadgen actor, or this process.",
)
def run(
    name: str,
    as_json: bool,
    junit: Path | None,
    time_scale: float,
    force: bool,
    budget_floor: float,
    stand_down_wait: float,
    load_from: str,
) -> None:
    """Run the experiment NAME (or a YAML path) as a hypothesis, and judge it."""
    s = session()
    install_stop_handlers()
    options = RunOptions(
        s.url,
        s.token,
        time_scale=time_scale,
        budget_floor=budget_floor,
        stand_down_wait_s=stand_down_wait,
        force=force,
        load_from=load_from,
    )
    shown = Console(stderr=True, width=s.console.width) if as_json else s.console  # stdout is the JSON's
    with progress_view(shown) as progress:
        outcome = run_experiments([name], options, progress=progress, connect=s.runtime.run_ports)
    if outcome.stopped is Stop.INTERRUPTED:
        click.echo(outcome.message, err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    if outcome.stopped is not None:  # an error says itself, as every command's errors do
        raise CliError(outcome.reason if outcome.stopped is Stop.ERROR else str(outcome.message))
    (record,) = outcome.records
    if as_json:
        click.echo(to_json(record))
    if junit is not None:
        junit.write_text(junit_xml([record]), encoding="utf-8")
    for warning in outcome.warnings():
        click.echo(warning, err=True)
    raise click.exceptions.Exit(outcome.code)
