"""``aref incidents``, ``reviews``, ``actions`` and ``runbooks``: what recovery and evolution know.

The API has no incident or action-item list of its own yet: open incidents are the recovery
engine's active recoveries, resolved ones its post-incident reviews, and action items are the
evolution engine's counts plus the item ids each review created.
"""

from __future__ import annotations

import click

from aref.cli import render
from aref.cli.runtime import json_option, session


@click.command()
@json_option
def incidents(as_json: bool) -> None:
    """Open incidents (in recovery, with their tier) and resolved, reviewed ones."""
    s = session()
    client = s.client()
    active = client.pillar("recovery")["active"]
    reviewed = client.pillar("evolution")["reviews"]["recent"]
    if as_json:
        render.raw({"active": active, "reviewed": reviewed})
    else:
        render.incidents(s.console, active, reviewed)


@click.command()
@json_option
def reviews(as_json: bool) -> None:
    """Post-incident reviews, newest last."""
    s = session()
    data = s.client().pillar("evolution")["reviews"]
    render.show(s.console, data, as_json, render.reviews)


@click.command()
@json_option
def actions(as_json: bool) -> None:
    """Action items: completion against target, velocity, and the items each review created."""
    s = session()
    evolution = s.client().pillar("evolution")
    stats, recent = evolution["actions"], evolution["reviews"]["recent"]
    if as_json:
        render.raw({"stats": stats, "by_review": {r["review_id"]: r["action_item_ids"] for r in recent}})
    else:
        render.actions(s.console, stats, recent)


@click.command()
@json_option
def runbooks(as_json: bool) -> None:
    """The runbooks the recovery engine loaded, by tier."""
    s = session()
    data = s.client().pillar("recovery")["runbooks"]
    render.show(s.console, data, as_json, render.runbooks)
