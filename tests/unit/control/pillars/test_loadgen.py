"""LoadService: a LoadDriver over the environment's order sender on the fake clock; its views and record."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aref.control.host import in_process
from aref.control.pillars.loadgen import LoadService
from aref.errors import ConflictError, InvalidInputError
from chaos.loadgen import Profile, TrafficPlan
from tests.unit.control.pillars.env import T0, URL, FakeEnvironment

run = asyncio.run
SPIKE = TrafficPlan(Profile.SPIKE, rate_per_s=2, duration_s=3, spike_rate_per_s=4, spike_at_s=1, spike_s=1)
STEADY = TrafficPlan(Profile.STEADY, rate_per_s=2, duration_s=10)  # an order every 0.5 s


def test_before_any_load_the_view_is_idle_and_a_stop_is_no_error() -> None:
    env = FakeEnvironment()
    load = in_process(LoadService(env))
    idle = run(load.view())
    assert (idle["running"], idle["target"], idle["plan"], idle["sent"], idle["started_at"]) == (
        False,
        URL,
        None,
        0,
        None,
    )
    assert idle["stats"]["requests"] == 0
    assert run(load.stop()) == idle
    assert run(load.status()) == dict(idle)
    assert env.orders == 0


def test_a_plan_runs_to_its_end_and_every_outcome_is_recorded() -> None:
    env = FakeEnvironment()
    load = in_process(LoadService(env))

    async def scenario() -> tuple[dict[str, Any], ...]:
        started = await load.start(SPIKE)
        with pytest.raises(ConflictError):
            await load.start(SPIKE)  # one plan at a time
        await load.driver.wait()
        done = await load.view()
        stopped = await load.stop()
        return dict(started), dict(done), dict(stopped)

    started, done, stopped = run(scenario())
    assert (started["running"], started["target"], started["plan"]["profile"], started["plan"]["spike_at_s"]) == (
        True,
        URL,
        "spike",
        1.0,
    )
    assert started["started_at"] == T0
    assert env.orders == 8  # 2 in the first second, 4 in the burst, 2 in the last
    assert (done["running"], done["sent"], done["in_flight"]) == (False, 8, 0)
    assert done["stats"]["by_status"] == {"201": 6, "503": 2}
    assert (done["stats"]["errors"], done["stats"]["latency_p99_ms"]) == (2, 40.0)
    assert stopped == done


def test_the_record_is_read_from_a_position_on() -> None:
    env = FakeEnvironment()
    load = in_process(LoadService(env))

    async def scenario() -> None:
        await load.start(SPIKE)
        await load.driver.wait()

    run(scenario())
    everything = run(load.record())
    assert [o["status"] for o in everything["outcomes"]] == [201, 201, 503, 201, 201, 503, 201, 201]
    assert (everything["next"], everything["skipped"]) == (8, 0)
    assert everything["outcomes"][0] == {"at": T0, "status": 201, "latency_ms": 20.0, "error": None}
    assert everything["outcomes"][2]["error"] == "unavailable"
    tail = run(load.record(5))
    assert (tail["outcomes"], tail["next"]) == (everything["outcomes"][5:], 8)
    assert run(load.record(8))["outcomes"] == []
    with pytest.raises(InvalidInputError) as caught:
        run(load.record(-1))
    assert caught.value.field == "after"


def test_a_stop_ends_a_running_plan_and_a_new_one_starts_a_fresh_record() -> None:
    env = FakeEnvironment(park_at=T0 + 2.25)  # orders at 0, 0.5, 1.0, 1.5, 2.0 s, then the sleep parks

    async def scenario() -> tuple[dict[str, Any], ...]:
        load = in_process(LoadService(env))
        await load.start(STEADY)
        await env.gate.wait_parked()
        await asyncio.sleep(0)  # the last order sent is answered
        running = dict(await load.view())
        stopped = dict(await load.stop())
        env.gate.until = None
        restarted = dict(await load.start(TrafficPlan(Profile.STEADY, rate_per_s=1, duration_s=2)))
        await load.driver.wait()
        return running, stopped, restarted, dict(await load.view())

    running, stopped, restarted, again = run(scenario())
    assert (running["running"], running["sent"]) == (True, 5)
    assert (stopped["running"], stopped["sent"], stopped["stopped_at"]) == (False, 5, T0 + 2.0)
    assert stopped["stats"]["requests"] == 5
    assert (restarted["running"], restarted["sent"], restarted["stats"]["requests"]) == (True, 0, 0)
    assert (again["sent"], again["plan"]["rate_per_s"]) == (2, 1.0)


def test_each_tick_hands_detection_the_send_times_of_the_bad_orders_since_the_last() -> None:
    env = FakeEnvironment()
    load = in_process(LoadService(env, slow_ms=30.0))

    async def scenario() -> None:
        await load.start(SPIKE)
        await load.driver.wait()

    run(scenario())
    bad = [o["at"] for o in run(load.record())["outcomes"] if o["status"] == 503]
    load.tick()
    assert len(bad) == 2  # the refused orders (40 ms, also over 30 ms)
    assert env.client_failures == bad
    load.tick()
    assert env.client_failures == bad  # nothing new since the last tick
