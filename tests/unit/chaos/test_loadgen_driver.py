from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable

import pytest

from aref.errors import ConflictError
from aref.testing import FakeClock
from chaos.loadgen import Profile, SendResult, TrafficPlan
from chaos.loadgen_driver import LoadDriver

T0 = 500.0


def advancing(clock: FakeClock, block_after: float | None = None) -> Callable[[float], Awaitable[None]]:
    """A sleep that moves the fake clock; past ``block_after`` it waits until cancelled."""

    async def sleep(seconds: float) -> None:
        if block_after is not None and clock.now() + seconds > block_after:
            await asyncio.Event().wait()
        clock.advance(seconds)
        await asyncio.sleep(0)

    return sleep


def test_every_request_is_sent_on_schedule_and_recorded() -> None:
    clock = FakeClock(T0)
    statuses = itertools.cycle([201, 503])

    async def send() -> SendResult:
        status = next(statuses)
        return SendResult(status, 40.0 if status == 201 else 90.0, None if status == 201 else "injected error")

    async def scenario() -> LoadDriver:
        driver = LoadDriver(send, clock, advancing(clock))
        driver.start(TrafficPlan(Profile.STEADY, rate_per_s=2, duration_s=2))
        await driver.wait()
        return driver

    driver = asyncio.run(scenario())
    outcomes = driver.record().outcomes
    assert [(o.at, o.status, o.latency_ms) for o in outcomes] == [
        (T0, 201, 40.0),
        (T0 + 0.5, 503, 90.0),
        (T0 + 1.0, 201, 40.0),
        (T0 + 1.5, 503, 90.0),
    ]
    assert outcomes[1].error == "injected error"
    status = driver.status()
    assert (status["running"], status["sent"], status["completed"], status["errors"], status["skipped"]) == (
        False,
        4,
        4,
        2,
        0,
    )
    assert status["plan"]["rate_per_s"] == 2.0
    assert [o.at for o in driver.record(after=2).outcomes] == [T0 + 1.0, T0 + 1.5]


def test_sends_beyond_the_in_flight_limit_are_skipped_and_counted() -> None:
    clock = FakeClock(T0)
    gate = asyncio.Event()

    async def stuck() -> SendResult:
        await gate.wait()
        return SendResult(201, 1.0)

    async def scenario() -> LoadDriver:
        driver = LoadDriver(stuck, clock, advancing(clock), max_in_flight=3)
        driver.start(TrafficPlan(Profile.STEADY, rate_per_s=1, duration_s=10))
        while driver.running:
            await asyncio.sleep(0)
        assert driver.status()["in_flight"] == 3
        gate.set()
        await driver.wait()
        return driver

    driver = asyncio.run(scenario())
    record = driver.record()
    assert (len(record.outcomes), record.skipped) == (3, 7)
    assert record.stats().skipped == 7


def test_stop_cancels_the_rest_of_the_plan_and_keeps_what_was_sent() -> None:
    clock = FakeClock(T0)

    async def send() -> SendResult:
        return SendResult(201, 1.0)

    async def scenario() -> LoadDriver:
        driver = LoadDriver(send, clock, advancing(clock, block_after=T0 + 3))
        driver.start(TrafficPlan(Profile.STEADY, rate_per_s=1, duration_s=60))
        for _ in range(50):
            await asyncio.sleep(0)
        await driver.stop()
        return driver

    driver = asyncio.run(scenario())
    assert [o.at for o in driver.record().outcomes] == [T0, T0 + 1, T0 + 2, T0 + 3]
    status = driver.status()
    assert (status["running"], status["stopped_at"]) == (False, T0 + 3)


def test_a_second_start_while_running_is_refused() -> None:
    clock = FakeClock(T0)

    async def send() -> SendResult:
        return SendResult(201, 1.0)

    async def scenario() -> None:
        driver = LoadDriver(send, clock, advancing(clock, block_after=T0 + 1))
        driver.start(TrafficPlan(rate_per_s=1, duration_s=10))
        with pytest.raises(ConflictError, match="already running"):
            driver.start(TrafficPlan(rate_per_s=1, duration_s=10))
        await driver.stop()

    asyncio.run(scenario())


def test_a_sender_that_raises_is_recorded_as_no_answer() -> None:
    clock = FakeClock(T0)

    async def broken() -> SendResult:
        raise ValueError("bad payload")

    async def scenario() -> LoadDriver:
        driver = LoadDriver(broken, clock, advancing(clock))
        driver.start(TrafficPlan(rate_per_s=1, duration_s=1))
        await driver.wait()
        return driver

    (outcome,) = asyncio.run(scenario()).record().outcomes
    assert (outcome.status, outcome.error, outcome.ok) == (0, "ValueError: bad payload", False)
