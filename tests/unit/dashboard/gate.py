"""A sleep for the load driver in tests: time passes on the fake clock up to a limit, then it parks.

``sleep(s)`` advances the clock by ``s`` unless that would pass ``until``; then it sets ``parked``
and waits until cancelled (a stop). In an API test, ``TestClient.portal.call(gate.wait_parked)``
returns once the driver is parked, with every request sent before it answered and recorded (the
loop runs ready tasks in order). With ``until=None`` it never parks and the whole plan runs.
"""

from __future__ import annotations

import asyncio

from aref.testing import FakeClock


class Gate:
    def __init__(self, clock: FakeClock, until: float | None = None) -> None:
        self.clock = clock
        self.until = until
        self.parked = asyncio.Event()
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        if self.until is not None and self.clock.now() + seconds > self.until:
            self.parked.set()
            await asyncio.Event().wait()
        self.slept.append(seconds)
        self.clock.advance(seconds)
        await asyncio.sleep(0)

    async def wait_parked(self) -> None:
        await self.parked.wait()
