"""Unit tests run without Ray: any attempt to start or join a cluster fails the test."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _no_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    ray = sys.modules.get("ray")
    if ray is not None:

        def refuse(*args: object, **kwargs: object) -> None:
            raise RuntimeError("unit tests must not start Ray; move this test to tests/integration/")

        monkeypatch.setattr(ray, "init", refuse)
    return
