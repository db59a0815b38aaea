"""Fixtures of the web UI suites: a live API on 127.0.0.1:8123 over the in-memory engines, a browser, a page.

``ui_server`` serves ``create_app(local_control_plane(settings, SystemClock()))`` with replica traffic
pushed twice a second (``tests.ui.live.Traffic``). Before the tests it plays one short incident
(payments failing for 6 s) through to its review, so every pillar has history to show, and leaves
a long low-grade fault on inventory running, so there are live alerts, adaptation and recovery to
show. Settings shrink the waits (burn-rate windows x0.0001, adaptation window 8 s, T0 target 20 s).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from aref.clock import SystemClock
from aref.config import AbsorptionSettings, AdaptationSettings, ArefSettings, DetectionSettings, RecoverySettings
from aref.control.inprocess.transport import local_control_plane
from aref.dashboard.app import create_app
from tests.ui.live import LiveServer, Traffic
from tests.ui.pages import UiPage, chromium

HOST, PORT = "127.0.0.1", 8123
RAY_DASHBOARD = "http://127.0.0.1:8265"
SEED_FAULT_SECONDS = 6.0
BACKGROUND_FAULT = {"service": "inventory", "fault_type": "error", "rate": 0.6, "duration_s": 300.0}


def ui_settings() -> ArefSettings:
    return ArefSettings(
        api_token=None,
        store="memory",
        ray_dashboard_url=RAY_DASHBOARD,
        tick_seconds=0.5,
        detection=DetectionSettings(burn_rate_window_scale=0.0001),
        absorption=AbsorptionSettings(circuit_breaker_recovery_timeout=10.0),
        adaptation=AdaptationSettings(adaptation_window_seconds=8.0),
        recovery=RecoverySettings(t0_target_seconds=20.0),
    )


def seed_history(server: LiveServer) -> None:
    """One incident from fault to review, then a background fault that keeps the pillars busy."""
    plane = server.plane
    transport = plane.transport
    server.wait_for(lambda: server.traffic.pushes >= 4, timeout=10, what="baseline traffic")
    server.run(lambda: plane.inject_fault("payments", "error", 0.8, SEED_FAULT_SECONDS))
    server.wait_for(
        lambda: transport.service("evolution").engine.status()["reviews"]["total"] >= 1,
        timeout=90,
        what="the seed review",
    )
    restore_background_fault(server)
    server.wait_for(
        lambda: bool(transport.service("recovery").engine.active()), timeout=60, what="recovery of the inventory fault"
    )


def restore_background_fault(server: LiveServer) -> None:
    """Inject the background fault again unless it is still active (a test may have stopped all faults)."""
    plane = server.plane
    active = server.run(lambda: plane.chaos_status())["active"]
    if not any(f["service"] == BACKGROUND_FAULT["service"] for f in active):
        server.run(lambda: plane.inject_fault(**BACKGROUND_FAULT))  # type: ignore[arg-type]


@pytest.fixture(scope="package")  # ends with tests/ui: Playwright runs an event loop meanwhile
def ui_server() -> Iterator[LiveServer]:
    # the Isolation Forest imports scikit-learn on its first fit (seconds): pay it here, not inside a request
    importlib.import_module("sklearn.ensemble")
    settings = ui_settings()
    clock = SystemClock()
    plane = local_control_plane(settings, clock)
    server = LiveServer(create_app(plane, settings=settings), plane, Traffic(plane, clock), HOST, PORT)
    server.start()
    try:
        seed_history(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")  # ends with tests/ui: Playwright runs an event loop meanwhile
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def api(ui_server: LiveServer) -> Callable[[str], Any]:
    """GET /api/aref/<path> of the UI server as JSON."""

    def get(path: str) -> Any:
        reply = httpx.get(f"{ui_server.url}/api/aref/{path}", timeout=15)
        reply.raise_for_status()
        return reply.json()

    return get


@pytest.fixture
def ui(browser: Browser, ui_server: LiveServer) -> Iterator[UiPage]:
    with UiPage.open_in(browser, ui_server.url) as page:
        yield page
