"""``aref alerts`` (list, ``ack ID``, ``resolve ID``) and ``aref timeline``."""

from __future__ import annotations

import click

from aref.cli import render
from aref.cli.runtime import json_option, session
from aref.events import EventCategory, Severity

CATEGORIES = tuple(c.value for c in EventCategory)
SEVERITIES = tuple(s.value for s in Severity)


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def alerts(ctx: click.Context, as_json: bool) -> None:
    """List active and recently resolved alerts (or act on one with 'ack' / 'resolve')."""
    if ctx.invoked_subcommand is not None:
        return
    s = session()
    data = s.client().alerts()
    render.show(s.console, data, as_json, render.alerts)


@alerts.command()
@click.argument("alert_id")
@json_option
def ack(alert_id: str, as_json: bool) -> None:
    """Acknowledge the alert ALERT_ID."""
    s = session()
    data = s.client().ack_alert(alert_id)
    render.show(s.console, data, as_json, render.alert)


@alerts.command()
@click.argument("alert_id")
@json_option
def resolve(alert_id: str, as_json: bool) -> None:
    """Resolve the alert ALERT_ID."""
    s = session()
    data = s.client().resolve_alert(alert_id)
    render.show(s.console, data, as_json, render.alert)


@click.command()
@click.option("--category", type=click.Choice(CATEGORIES), help="Only events of this pillar or kind.")
@click.option("--severity", type=click.Choice(SEVERITIES), help="Only events of this severity.")
@click.option("--correlation-id", help="Only one incident's chain of events.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True, help="Newest events to show.")
@json_option
def timeline(category: str | None, severity: str | None, correlation_id: str | None, limit: int, as_json: bool) -> None:
    """The event timeline, newest first."""
    s = session()
    data = s.client().timeline(category=category, severity=severity, correlation_id=correlation_id, limit=limit)
    render.show(s.console, data, as_json, render.timeline)
