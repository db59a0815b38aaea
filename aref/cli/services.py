"""``aref services``, ``aref scale SERVICE N`` and ``aref flags`` (list, ``set NAME on|off``)."""

from __future__ import annotations

import click

from aref.cli import render
from aref.cli.runtime import json_option, session


@click.command()
@json_option
def services(as_json: bool) -> None:
    """Every service: health, real/target replicas, degradation tier, latest telemetry."""
    s = session()
    data = s.client().services()
    render.show(s.console, data, as_json, render.services)


@click.command()
@click.argument("service")
@click.argument("replicas", type=click.IntRange(min=0))
@json_option
def scale(service: str, replicas: int, as_json: bool) -> None:
    """Set SERVICE's replica target to REPLICAS (Serve's real replicas follow)."""
    s = session()
    data = s.client().scale(service, replicas)
    render.show(s.console, data, as_json, render.replicas)


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def flags(ctx: click.Context, as_json: bool) -> None:
    """List the feature flags (or change one with 'flags set')."""
    if ctx.invoked_subcommand is not None:
        return
    s = session()
    data = s.client().pillar("adaptation")["flags"]
    render.show(s.console, data, as_json, render.flags)


@flags.command("set")
@click.argument("name")
@click.argument("state", type=click.Choice(["on", "off"]))
@json_option
def set_flag(name: str, state: str, as_json: bool) -> None:
    """Turn the flag NAME (e.g. payments.analytics) on or off."""
    s = session()
    data = s.client().set_flag(name, state == "on")
    render.show(s.console, data, as_json, render.flag)
