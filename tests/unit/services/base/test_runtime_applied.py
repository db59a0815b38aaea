"""The applied control state reaches absorption when it changes, and as a sign of life every
``APPLIED_REFRESH_S``; an idle replica does not resend the same state every tick."""

from __future__ import annotations

import asyncio

from aref.testing import FakeClock
from services.base.runtime import APPLIED_REFRESH_S
from tests.unit.services.base.test_runtime import runtime
from tests.unit.services.fakes import FakeLink


def test_an_unchanged_state_is_sent_once_then_again_after_the_refresh_period() -> None:
    plane, clock = FakeLink(), FakeClock(1_000.0)
    rt = runtime(plane, clock)
    for _ in range(3):
        asyncio.run(rt.tick())
        clock.advance(1.0)
    assert len(plane.applied) == 1
    clock.advance(APPLIED_REFRESH_S)
    asyncio.run(rt.tick())
    assert len(plane.applied) == 2


def test_a_change_is_sent_on_the_next_tick() -> None:
    plane, clock = FakeLink(), FakeClock(1_000.0)
    rt = runtime(plane, clock)
    asyncio.run(rt.tick())
    plane.control_answer = {"version": 3, "flags": {"gateway.analytics": False}, "traffic": {}}
    clock.advance(1.0)
    asyncio.run(rt.tick())
    assert [a["control_version"] for a in plane.applied] == [0, 3]
    assert plane.applied[-1]["flags"] == {"gateway.analytics": False}


def test_a_state_absorption_did_not_get_is_sent_again() -> None:
    plane, clock = FakeLink(), FakeClock(1_000.0)
    rt = runtime(plane, clock)
    plane.up = False
    asyncio.run(rt.tick())
    plane.up = True
    clock.advance(1.0)
    asyncio.run(rt.tick())
    assert len(plane.applied) == 1
