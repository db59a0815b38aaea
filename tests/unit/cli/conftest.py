"""Fixtures: the CLI routed in-process into the real API over a ControlPlane on a FakeClock.

``invoke`` runs ``aref`` with a ``Runtime`` whose HTTP clients are ``TestClient``s of the app (no
socket), whose sleep advances the fake clock, and whose console is wide enough not to wrap.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rich.console import Console

from aref.cli.main import cli
from aref.cli.runtime import HTTP_TIMEOUT_S, Runtime
from aref.config import ArefSettings
from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.recovery.defaults import default_runbooks
from aref.recovery.runbook import Runbook
from aref.testing import FakeClock
from chaos.runner_main import RunOptions, RunPorts, http_ports
from tests.unit.cli.fakes import FakeProcesses
from tests.unit.dashboard.traffic import run_traffic

URL = "http://aref.test:8000"
UNREACHABLE = "http://127.0.0.1:9"
TOKEN = "cli-token"


def make_settings(**overrides: object) -> ArefSettings:
    values: dict[str, object] = {"api_token": None, "ray_dashboard_url": "http://127.0.0.1:8265", **overrides}
    return ArefSettings(**values)  # type: ignore[arg-type]


@dataclass
class Harness:
    """The CLI wired to one app; ``invoke`` runs a command line and returns click's result."""

    clock: FakeClock
    app: FastAPI
    processes: FakeProcesses = field(default_factory=FakeProcesses)
    environ: dict[str, str] = field(default_factory=dict)
    routes: dict[str, Callable[[str], httpx.Client]] = field(default_factory=dict)
    slept: list[float] = field(default_factory=list)
    on_sleep: Callable[[float], None] | None = None
    run_ports: Callable[[RunOptions], RunPorts] = http_ports  # ``chaos run``: a test's fakes, or the real ones

    def http(self, base_url: str) -> httpx.Client:
        if base_url in self.routes:
            return self.routes[base_url](base_url)
        if base_url == UNREACHABLE:  # a real socket client (nothing listens on port 9); no TLS context to build
            return httpx.Client(timeout=HTTP_TIMEOUT_S, verify=False)
        return TestClient(self.app, base_url=base_url)

    def sleep(self, seconds: float) -> None:
        """Time passes on the fake clock (through ``on_sleep`` when a test drives it)."""
        self.slept.append(seconds)
        if self.on_sleep is None:
            self.clock.advance(seconds)
        else:
            self.on_sleep(seconds)

    def runtime(self) -> Runtime:
        return Runtime(
            http=self.http,
            sleep=self.sleep,
            monotonic=self.clock.now,
            processes=self.processes,
            environ=self.environ,
            console=Console(width=500, color_system=None),
            run_ports=self.run_ports,
        )

    def invoke(self, *args: str, url: str = URL) -> Result:
        return self.runner_invoke(["--url", url, *args])

    def runner_invoke(self, args: list[str], env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, args, obj=self.runtime(), env=env, catch_exceptions=False)

    def json(self, *args: str) -> Any:
        result = self.invoke(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def runbooks() -> tuple[Runbook, ...]:
    """The default runbooks, parsed once: they are frozen, so every plane can share them."""
    return default_runbooks()


@pytest.fixture(scope="session")
def settings() -> ArefSettings:
    """Built once: settings are frozen, and reading the environment is not free."""
    return make_settings()


@pytest.fixture
def plane(clock: FakeClock, settings: ArefSettings, runbooks: tuple[Runbook, ...]) -> ControlPlane:
    return local_control_plane(settings, clock, runbooks=runbooks)


@pytest.fixture
def harness(clock: FakeClock, plane: ControlPlane, settings: ArefSettings) -> Harness:
    return Harness(clock, create_app(plane, settings=settings))


@pytest.fixture
def offline(clock: FakeClock) -> Harness:
    """The CLI with no AREF behind it (for commands pointed at an unreachable URL)."""
    return Harness(clock, FastAPI())


def row(output: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is ``first`` (cells are at least two spaces apart)."""
    for text in output.splitlines():
        cells = re.split(r"\s{2,}", text.strip())
        if cells[0] == first:
            return cells
    raise AssertionError(f"no row starting with {first!r} in:\n{output}")


def incident(plane: ControlPlane, clock: FakeClock) -> None:
    """One whole incident on payments: fault, alerts, stop, alerts resolved, a review written."""
    asyncio.run(plane.start_experiment("cascading_failure"))
    run_traffic(plane, clock, 5)
    asyncio.run(plane.stop_chaos())
    for alert in asyncio.run(plane.alerts())["active"]:
        asyncio.run(plane.resolve_alert(alert["id"]))
    run_traffic(plane, clock, 1)


def forwarding(app: FastAPI, refuse: Callable[[httpx.Request], bool]) -> Callable[[str], httpx.Client]:
    """An HTTP client factory into ``app`` whose requests matching ``refuse`` fail as refused connections."""
    inner = TestClient(app)

    def handle(request: httpx.Request) -> httpx.Response:
        if refuse(request):
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        headers = {k: v for k, v in request.headers.items() if k in ("content-type", "authorization")}
        url = request.url.path
        reply = inner.request(request.method, url, params=request.url.params, content=request.content, headers=headers)
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    return lambda base_url: httpx.Client(transport=httpx.MockTransport(handle))
