"""The control-plane contract over the in-process transport, on a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from aref.config import ArefSettings
from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.control.registry import build_service
from aref.store import MemoryStore
from aref.testing import FakeClock
from tests.control_contract import CASES, Case
from tests.unit.dashboard.conftest import make_settings

T = TypeVar("T")


class InProcessHarness:
    """Waiting is advancing the fake clock one tick at a time; a restart rebuilds the service over its store."""

    def __init__(self, settings: ArefSettings, clock: FakeClock) -> None:
        self.clock = clock
        self.settings = settings
        self.plane: ControlPlane = local_control_plane(settings, clock, MemoryStore())

    async def eventually(self, check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 30) -> T:
        deadline = self.clock.now() + timeout_s
        while True:
            found = await check()
            if found:
                return found
            assert self.clock.now() < deadline, f"not within {timeout_s:g} s (fake clock): {what}"
            self.clock.advance(self.settings.tick_seconds)

    async def restart(self, pillar: str) -> None:
        self.plane.transport.replace(pillar, lambda environment: build_service(pillar, self.settings, environment))


def test_every_case_is_registered() -> None:
    assert len(CASES) >= 16


def test_the_in_process_plane_says_it_is_simulated() -> None:
    harness = InProcessHarness(make_settings(), FakeClock())
    assert asyncio.run(harness.plane.status())["runtime"] == "simulated"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_contract(case: Case) -> None:
    harness = InProcessHarness(make_settings(), FakeClock())
    asyncio.run(case(harness))
