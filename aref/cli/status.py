"""``aref status``, ``aref pillars`` and ``aref maturity``: how resilient the system is right now."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from aref.cli import render
from aref.cli.runtime import json_option, session
from aref.models import Pillar
from aref.scoring import RiskProfile

PILLARS = tuple(p.value for p in Pillar)
PROFILES = tuple(p.value for p in RiskProfile)


@click.command()
@json_option
def status(as_json: bool) -> None:
    """CRS, pillar levels, open alerts, active recoveries and faults."""
    s = session()
    data = s.client().status()
    render.show(s.console, data, as_json, render.status)


@click.command()
@json_option
def pillars(as_json: bool) -> None:
    """Each pillar's maturity level and what it is doing now."""
    s = session()
    client = s.client()
    views = {name: client.pillar(name) for name in PILLARS}
    if as_json:
        render.raw(views)
        return
    levels = client.status()["pillars"]
    render.pillars(s.console, levels, {name: headline(name, view) for name, view in views.items()})


@click.command()
@click.option("--profile", type=click.Choice(PROFILES), help="Risk profile for the CRS (default: the configured one).")
@json_option
def maturity(profile: str | None, as_json: bool) -> None:
    """Maturity level per pillar, the gaps to the next level and the CRS per risk profile."""
    s = session()
    data = s.client().maturity(profile)
    render.show(s.console, data, as_json, render.maturity)


def headline(pillar: str, view: Mapping[str, Any]) -> str:
    """One line on what a pillar's status view says."""
    if pillar == "detection":
        opened = view["alert_counts"].get("open", 0)
        return f"{opened} open alert{'' if opened == 1 else 's'} from {len(view['detectors'])} detectors"
    if pillar == "absorption":
        states = [b["state"] for b in view["breakers"].values()]
        opened = sum(1 for state in states if state != "closed")
        degraded = [f"{name} ({d['tier']})" for name, d in view["degradation"].items() if d.get("tier") != "full"]
        return f"{opened} of {len(states)} breakers not closed; degraded: {', '.join(degraded) or 'none'}"
    if pillar == "adaptation":
        off = sum(1 for f in view["flags"].values() if not f["enabled"])
        return f"{off} of {len(view['flags'])} flags off, {len(view['adaptations'])} adaptations logged"
    if pillar == "recovery":
        return f"{view['total_active']} active, {view['total_recovered']} recovered, {len(view['runbooks'])} runbooks"
    actions = view["actions"]
    return f"{view['reviews']['total']} reviews, {actions['open']} open of {actions['total']} action items"
