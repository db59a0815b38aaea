"""LoadDriver: sends requests on a plan's schedule and records every outcome (no I/O of its own).

Open loop: a send does not wait for earlier answers, so a slow system sees the planned load, not
less. At most ``max_in_flight`` requests are outstanding; a send beyond that is skipped and
counted, never silently lost. The sender, the clock and the sleep are injected, so the same
driver runs in the load-generator actor, in a CLI process and in unit tests.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aref.clock import Clock
from aref.errors import ConflictError
from aref.records import to_record
from chaos.loadgen import ClientRecord, Outcome, SendResult, TrafficPlan, schedule

Sender = Callable[[], Awaitable[SendResult]]
Sleep = Callable[[float], Awaitable[None]]
DEFAULT_MAX_IN_FLIGHT = 256


class LoadDriver:
    def __init__(self, send: Sender, clock: Clock, sleep: Sleep, *, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        self._send = send
        self._clock = clock
        self._sleep = sleep
        self._max_in_flight = max_in_flight
        self._outcomes: list[Outcome] = []
        self._skipped = 0
        self._sent = 0
        self._in_flight: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._plan: TrafficPlan | None = None
        self._started_at: float | None = None
        self._stopped_at: float | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, plan: TrafficPlan) -> None:
        """Start sending (a fresh record); refused while a plan is running."""
        if self.running:
            raise ConflictError("the load generator is already running; stop it first")
        self._outcomes, self._skipped, self._sent = [], 0, 0
        self._plan, self._started_at, self._stopped_at = plan, self._clock.now(), None
        self._task = asyncio.get_running_loop().create_task(self._run(plan, self._started_at))

    async def stop(self) -> None:
        """Stop sending and wait for the requests in flight to be recorded."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.drain()
        if self._stopped_at is None and self._started_at is not None:
            self._stopped_at = self._clock.now()

    async def drain(self) -> None:
        """Wait until every request sent so far has an outcome."""
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def wait(self) -> None:
        """Wait for the whole plan to be sent and answered."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.drain()

    def record(self, after: int = 0) -> ClientRecord:
        """Outcomes from position ``after`` on (completion order), and the sends skipped so far."""
        return ClientRecord(tuple(self._outcomes[after:]), self._skipped)

    def status(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "plan": None if self._plan is None else to_record(self._plan),
            "started_at": self._started_at,
            "stopped_at": self._stopped_at,
            "sent": self._sent,
            "completed": len(self._outcomes),
            "in_flight": len(self._in_flight),
            "skipped": self._skipped,
            "errors": sum(not o.ok for o in self._outcomes),
        }

    async def _run(self, plan: TrafficPlan, started_at: float) -> None:
        for offset in schedule(plan):
            delay = started_at + offset - self._clock.now()
            if delay > 0:
                await self._sleep(delay)
            if len(self._in_flight) >= self._max_in_flight:
                self._skipped += 1
                continue
            task = asyncio.get_running_loop().create_task(self._one(self._clock.now()))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        self._stopped_at = self._clock.now()

    async def _one(self, at: float) -> None:
        self._sent += 1
        try:
            result = await self._send()
        except Exception as exc:  # a sender bug must not kill the run: record it as no answer
            result = SendResult(0, 0.0, f"{type(exc).__name__}: {exc}"[:200])
        self._outcomes.append(Outcome(at, result.status, result.latency_ms, result.error))
