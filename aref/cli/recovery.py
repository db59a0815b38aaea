"""``aref recovery drill SERVICE`` (run tiers' runbooks as a drill) and ``aref recovery approve``."""

from __future__ import annotations

import click

from aref.cli import render
from aref.cli.runtime import json_option, session


@click.group()
def recovery() -> None:
    """Recovery drills, and the approval of a step waiting for one."""


@recovery.command()
@click.argument("service")
@click.option("--tier", "tiers", multiple=True, help="A tier whose runbook runs (repeat, ascending; default T0).")
@click.option("--runbook", "runbooks", multiple=True, help="Instead of tiers: a runbook to run, by name (repeat).")
@click.option("--dry-run", is_flag=True, help="Perform and measure nothing; every step says dry run.")
@click.option("--by", default="cli", show_default=True, help="Who runs the drill.")
@json_option
def drill(
    service: str, tiers: tuple[str, ...], runbooks: tuple[str, ...], dry_run: bool, by: str, as_json: bool
) -> None:
    """Run SERVICE's runbooks of the given tiers back to back, as a recovery marked as a drill."""
    s = session()
    data = s.client().drill(service, list(tiers or ("T0",)), list(runbooks), dry_run, by)
    render.show(s.console, data, as_json, render.recovery_run)


@recovery.command()
@click.argument("recovery_id")
@click.argument("step")
@click.option("--by", required=True, help="Who approves.")
@json_option
def approve(recovery_id: str, step: str, by: str, as_json: bool) -> None:
    """Approve STEP of RECOVERY_ID's runbook, which waits for an approval; the recovery goes on."""
    s = session()
    data = s.client().approve_step(recovery_id, step, by)
    render.show(s.console, data, as_json, render.recovery_run)
