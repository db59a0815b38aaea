"""The control-plane contract over the Ray transport, against the running stack."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from actors.client import ActorClient
from actors.transport import RayTransport
from aref.clock import SystemClock
from aref.config import load_settings
from aref.control.plane import ControlPlane
from aref.recovery.defaults import configured_runbooks
from tests.control_contract import CASES, Case

T = TypeVar("T")
POLL_S = 0.25


class RayHarness:
    """Waiting is polling (bounded); a restart kills the actor and Ray brings it back."""

    def __init__(self, ray: Any) -> None:
        settings = load_settings(api_token=None)
        self.ray = ray
        self.plane = ControlPlane(
            settings, RayTransport(), SystemClock(), runbooks=configured_runbooks(settings.recovery)
        )

    async def eventually(self, check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 30) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            found = await check()
            if found:
                return found
            assert loop.time() < deadline, f"not within {timeout_s:g} s: {what}"
            await asyncio.sleep(POLL_S)

    async def restart(self, pillar: str) -> None:
        actor = ActorClient(pillar)
        pid = (await actor.host_info())["pid"]
        self.ray.kill(self.ray.get_actor(pillar, namespace="aref"), no_restart=False)

        async def back() -> bool:
            try:
                info = await actor.host_info()
            except Exception:
                actor.forget()
                return False
            return bool(info["pid"] != pid and info["restarted"])

        await self.eventually(back, f"{pillar} to come back after a restart", 60)


def test_the_ray_plane_says_it_is_ray(ray_client: Any) -> None:
    assert asyncio.run(RayHarness(ray_client).plane.status())["runtime"] == "ray"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_contract(ray_client: Any, case: Case) -> None:
    asyncio.run(case(RayHarness(ray_client)))
