"""``aref chaos list | run NAME | stop | status``: chaos experiments through the API.

``run`` starts the experiment (POST /api/aref/chaos/start), then polls the fault board and the
alerts until the fault has ended, showing its progress. Until the hypothesis runner is wired in,
its verdict is detection alone: an alert on the target service fired after injection (exit 0),
or none did (exit 1). Whatever interrupts the watch (Ctrl-C, a lost connection) first asks the
API to stop every fault, so nothing is left injected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

from aref.cli import render
from aref.cli.client import ArefClient
from aref.cli.errors import EXIT_HYPOTHESIS_FAILED, EXIT_INTERRUPTED, CliError
from aref.cli.runtime import Session, json_option, session

GRACE_S = 30.0  # how long past its duration a fault may stay active before the watch gives up
GONE = {"state": "gone", "remaining_s": 0.0, "ended_at": None, "end_reason": "no longer on the fault board"}


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


@chaos.command()
@click.argument("name")
@click.option(
    "--interval", type=click.FloatRange(min=0.1), default=1.0, show_default=True, help="Seconds between polls."
)
@json_option
def run(name: str, interval: float, as_json: bool) -> None:
    """Run the experiment NAME and watch it until its fault ends."""
    s = session()
    client = s.client()
    fault = client.start_experiment(name)
    try:
        final, seen = watch(s, client, fault, interval, show=not as_json)
    except (KeyboardInterrupt, CliError) as exc:
        stopped = stop_quietly(client)
        if isinstance(exc, CliError):
            raise
        render.line(s.console, f"interrupted: asked AREF to stop chaos ({stopped})", "yellow")
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    delay = detection_delay(fault, seen)
    if as_json:
        render.raw({"fault": final, "alerts": list(seen), "detected": delay is not None, "detection_delay_s": delay})
    else:
        render.chaos_verdict(s.console, final, seen, delay)
    if delay is None:
        raise click.exceptions.Exit(EXIT_HYPOTHESIS_FAILED)


def watch(
    s: Session, client: ArefClient, fault: Mapping[str, Any], interval: float, *, show: bool
) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
    """Poll until ``fault`` is no longer active; return its last view and the alerts on its target."""
    rt = s.runtime
    deadline = rt.monotonic() + float(fault["duration_s"]) + GRACE_S
    label = f"{fault['experiment']}: {fault['fault_type']} {fault['rate']:.0%} on {fault['service']}"
    with render.bar_progress(s.console, enabled=show) as progress:
        task = progress.add_task(label, total=float(fault["duration_s"]), info="")
        while True:
            current = find_fault(client.chaos_status(), fault["fault_id"]) or {**fault, **GONE}
            seen = alerts_on(client.alerts(), fault["service"], since=float(fault["started_at"]))
            ended = current["state"] != "active"
            remaining = 0.0 if ended else float(current["remaining_s"])
            info = f"{remaining:.0f} s left, {len(seen)} alerts on {fault['service']}"
            progress.update(task, completed=float(fault["duration_s"]) - remaining, info=info)
            if ended:
                return current, seen
            if rt.monotonic() > deadline:
                raise CliError(f"fault {fault['fault_id']} is still active {GRACE_S:.0f} s after its duration")
            rt.sleep(interval)


def find_fault(board: Mapping[str, Any], fault_id: str) -> Mapping[str, Any] | None:
    found: Mapping[str, Any] | None = next(
        (f for f in [*board["active"], *board["recent"]] if f["fault_id"] == fault_id), None
    )
    return found


def alerts_on(data: Mapping[str, Any], service: str, *, since: float) -> list[Mapping[str, Any]]:
    """Alerts on ``service`` fired at or after ``since``, first fired first."""
    chosen = [
        a for a in [*data["active"], *data["recent_resolved"]] if a["service"] == service and a["fired_at"] >= since
    ]
    return sorted(chosen, key=lambda a: (a["fired_at"], a["id"]))


def detection_delay(fault: Mapping[str, Any], seen: Sequence[Mapping[str, Any]]) -> float | None:
    return None if not seen else float(seen[0]["fired_at"]) - float(fault["started_at"])


def stop_quietly(client: ArefClient) -> str:
    try:
        stopped = client.stop_chaos()["stopped"]
    except CliError as exc:
        return f"that failed too: {exc.format_message()}"
    return f"{len(stopped)} faults rolled back"
