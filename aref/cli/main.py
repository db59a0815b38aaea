"""The ``aref`` command group: global options, and every command registered in one place.

``--url`` (env ``AREF_URL``) is where the AREF API answers; ``--token`` (env ``AREF_API_TOKEN``)
is sent as a bearer token on mutating calls; ``--wide`` has tables show every column and whole
ids. Tests pass a ``Runtime`` as click's ``obj``.
``aref-demo`` is ``aref demo`` as a program of its own, taking the same global options.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import click

from aref import __version__
from aref.cli import alerts, chaos, demo, incidents, load, recovery, seed, services, stack, status, watch
from aref.cli.runtime import Runtime, Session

DEFAULT_URL = "http://127.0.0.1:8000"
CONTEXT = {"help_option_names": ["-h", "--help"]}


def open_session(ctx: click.Context, url: str, token: str | None, wide: bool = False) -> None:
    """Check ``--url`` and put the ``Session`` every command finds in ``ctx.obj``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"must be an http(s) URL, got {url!r}", param_hint="--url")
    runtime = ctx.obj if isinstance(ctx.obj, Runtime) else Runtime()
    ctx.obj = Session(url.rstrip("/"), token or None, runtime, wide)


@click.group(context_settings=CONTEXT)
@click.option("--url", envvar="AREF_URL", default=DEFAULT_URL, show_default=True, help="The AREF API (env AREF_URL).")
@click.option("--token", envvar="AREF_API_TOKEN", help="Bearer token for changes (env AREF_API_TOKEN).")
@click.option("--wide", is_flag=True, help="Tables show every column and whole ids, even past the terminal's width.")
@click.version_option(__version__, prog_name="aref")
@click.pass_context
def cli(ctx: click.Context, url: str, token: str | None, wide: bool) -> None:
    """AREF: watch and steer the resilience testbed from the terminal."""
    open_session(ctx, url, token, wide)


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
    recovery.recovery,
    chaos.chaos,
    load.load,
    stack.up,
    stack.down,
    seed.seed,
    demo.demo,
    watch.watch,
)
for command in COMMANDS:
    cli.add_command(command)


def standalone(command: click.Command, name: str) -> click.Command:
    """``command`` as a program of its own: the group's global options, then the command's own."""

    def run(url: str, token: str | None, wide: bool, **options: Any) -> None:
        ctx = click.get_current_context()
        open_session(ctx, url, token, wide)
        ctx.invoke(command, **options)

    return click.Command(
        name, params=[*cli.params, *command.params], callback=run, help=command.help, context_settings=CONTEXT
    )


demo_cli = standalone(demo.demo, "aref-demo")  # the ``aref-demo`` console script
