"""Fixtures: a ControlPlane over the real engines on a FakeClock, and a TestClient over its app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aref.config import ArefSettings
from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.testing import FakeClock

TOKEN = "s3cret-token"


def make_settings(**overrides: object) -> ArefSettings:
    values: dict[str, object] = {"api_token": None, "ray_dashboard_url": "http://127.0.0.1:8265", **overrides}
    return ArefSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> ArefSettings:
    return make_settings()


@pytest.fixture
def plane(settings: ArefSettings, clock: FakeClock) -> ControlPlane:
    return local_control_plane(settings, clock)


@pytest.fixture
def client(plane: ControlPlane, settings: ArefSettings) -> TestClient:
    return TestClient(create_app(plane, settings=settings))
