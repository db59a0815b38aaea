"""A request its caller cancels (a timeout upstream) is still seen: recorded with the time it ran."""

from __future__ import annotations

import asyncio

import pytest

from aref.testing import FakeClock
from services.base.envelope import Envelope
from services.base.faults import FaultDraw
from tests.unit.services.base.test_runtime import runtime
from tests.unit.services.fakes import FakeLink


def test_a_request_its_caller_cancels_is_recorded_as_slow_not_failed() -> None:
    clock = FakeClock(1000.0)
    rt = runtime(FakeLink(), clock)  # the timer advances 10 ms per reading

    async def cancelled_midway() -> None:
        running = asyncio.Event()

        async def slow(_: FaultDraw) -> Envelope:
            running.set()
            await asyncio.Event().wait()  # never answers by itself
            raise AssertionError("unreachable")

        task = asyncio.create_task(rt.run_async("send_notification", slow))
        await running.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancelled_midway())

    report = rt.telemetry.flush(clock.now())
    assert (report.requests, report.errors, report.latency.total) == (1, 0, 1)
    assert (rt.requests, rt.errors) == (1, 0)
    assert 'outcome="client_error"' in rt.metrics.render().decode()
