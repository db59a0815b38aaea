"""The ``aref`` command group: global options, and every command registered in one place.

``--url`` (env ``AREF_URL``) is where the AREF API answers; ``--token`` (env ``AREF_API_TOKEN``)
is sent as a bearer token on mutating calls. Tests pass a ``Runtime`` as click's ``obj``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import click

from aref import __version__
from aref.cli import alerts, chaos, incidents, load, seed, services, stack, status
from aref.cli.runtime import Runtime, Session

DEFAULT_URL = "http://127.0.0.1:8000"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", envvar="AREF_URL", default=DEFAULT_URL, show_default=True, help="The AREF API (env AREF_URL).")
@click.option("--token", envvar="AREF_API_TOKEN", help="Bearer token for changes (env AREF_API_TOKEN).")
@click.version_option(__version__, prog_name="aref")
@click.pass_context
def cli(ctx: click.Context, url: str, token: str | None) -> None:
    """AREF: watch and steer the resilience testbed from the terminal."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"must be an http(s) URL, got {url!r}", param_hint="--url")
    runtime = ctx.obj if isinstance(ctx.obj, Runtime) else Runtime()
    ctx.obj = Session(url.rstrip("/"), token or None, runtime)


COMMANDS: tuple[click.Command, ...] = (
    status.status,
    status.pillars,
    status.maturity,
    services.services,
    services.scale,
    services.flags,
    alerts.alerts,
    alerts.timeline,
    incidents.incidents,
    incidents.reviews,
    incidents.actions,
    incidents.runbooks,
    chaos.chaos,
    load.load,
    stack.up,
    stack.down,
    seed.seed,
)
for command in COMMANDS:
    cli.add_command(command)
