"""What the commands use from the outside world, in one replaceable object, and the per-call session.

``Runtime`` holds the HTTP client factory, the sleeping and monotonic clock, the process runner,
the environment, the rich console, and what an experiment run talks to (``run_ports``: AREF's
HTTP API and a load generator in this process, by default). ``cli`` builds the default one; tests pass their own as
click's ``obj``. ``Session`` adds the global options (``--url``, ``--token``, ``--wide``) and hands
out the ``ArefClient``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click
import httpx
from rich.console import Console

from aref.cli.client import ArefClient
from aref.cli.procs import ProcessRunner, SubprocessRunner
from aref.config import ArefSettings
from chaos.runner_main import RunOptions, RunPorts, http_ports

HTTP_TIMEOUT_S = 10.0
DEFAULT_DATA_DIR: Path = ArefSettings.model_fields["data_dir"].default  # AREF_DATA_DIR when unset


def default_http(base_url: str) -> httpx.Client:
    return httpx.Client(timeout=HTTP_TIMEOUT_S)


@dataclass(frozen=True)
class Runtime:
    http: Callable[[str], httpx.Client] = default_http  # base URL -> client for it
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    processes: ProcessRunner = field(default_factory=SubprocessRunner)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    console: Console = field(default_factory=Console)
    run_ports: Callable[[RunOptions], RunPorts] = http_ports  # ``chaos run``: the API, the load, the clock

    def data_dir(self) -> Path:
        value = self.environ.get("AREF_DATA_DIR")
        return Path(value).expanduser() if value else DEFAULT_DATA_DIR


@dataclass(frozen=True)
class Session:
    url: str
    token: str | None
    runtime: Runtime
    wide: bool = False  # tables show every column and whole ids (``render.basics.fit``)

    def client(self) -> ArefClient:
        return ArefClient(self.url, self.runtime.http(self.url), token=self.token)

    @property
    def console(self) -> Console:
        return self.runtime.console


def session() -> Session:
    """The session of the running command (set up by the ``cli`` group)."""
    found = click.get_current_context().find_object(Session)
    if found is None:
        raise click.UsageError("run this command through the 'aref' group")
    return found


json_option = click.option("--json", "as_json", is_flag=True, help="Print the API's raw JSON instead of tables.")
