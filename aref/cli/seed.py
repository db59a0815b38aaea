"""``aref seed``: load optional demo history (past incidents, reviews, action items) through the API.

Never done by default. It needs ``POST /api/aref/seed {"incidents": N}`` on the control plane;
an AREF without that endpoint answers 404/405 and nothing is loaded.
"""

from __future__ import annotations

import click

from aref.cli import render
from aref.cli.errors import ApiError, CliError
from aref.cli.runtime import json_option, session

MISSING = (404, 405)


@click.command()
@click.option("--incidents", type=click.IntRange(1, 100), default=5, show_default=True, help="Past incidents to add.")
@json_option
def seed(incidents: int, as_json: bool) -> None:
    """Add demo history (resolved incidents with reviews) so the views are not empty."""
    s = session()
    try:
        data = s.client().seed(incidents)
    except ApiError as exc:
        if exc.status in MISSING and exc.error in ("Not Found", "Method Not Allowed"):
            raise CliError(
                f"this AREF ({s.url}) has no demo-history endpoint (POST /api/aref/seed): nothing was loaded"
            ) from None
        raise
    render.show(s.console, data, as_json, render.seeded)
