"""A request the controls in force shed is refused at the door: it skips the fault's delay or error."""

from __future__ import annotations

import asyncio

from aref.records import to_record
from aref.testing import FakeClock
from services.base.envelope import Envelope
from services.base.faults import FaultDraw
from services.base.runtime import ReplicaRuntime
from tests.unit.services.base.test_runtime import fault_board, runtime
from tests.unit.services.fakes import FakeLink


def slow_runtime(fault_type: str) -> tuple[ReplicaRuntime, list[float]]:
    """A notifications runtime under a fault that hits every request it draws for (u=0), recording what it sleeps."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    rt = runtime(FakeLink(), FakeClock(1_000.0), u=0.0, service="notifications", sleep=sleep)
    rt.apply_faults(to_record(fault_board(1, fault_type, service="notifications", rate=0.9)))
    return rt, slept


async def answered(_: FaultDraw) -> Envelope:
    return Envelope(200, {"status": "shed"})


def test_a_shed_request_skips_the_latency_fault_and_an_admitted_one_waits() -> None:
    rt, slept = slow_runtime("latency")
    shed = asyncio.run(rt.run_async("send_notification", answered, shed_at_door=lambda: True))
    assert (shed.status, slept) == (200, [])
    asyncio.run(rt.run_async("send_notification", answered, shed_at_door=lambda: False))
    assert slept == [0.1]


def test_a_shed_request_skips_the_error_fault() -> None:
    rt, _ = slow_runtime("error")
    assert asyncio.run(rt.run_async("send_notification", answered, shed_at_door=lambda: True)).status == 200
    assert asyncio.run(rt.run_async("send_notification", answered)).status == 503
