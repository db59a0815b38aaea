"""The load view: one shape from a LoadDriver, idle or after a plan (shared by the in-memory plane and the actor)."""

from __future__ import annotations

import asyncio
import itertools

from aref.control.load_views import driver_view, idle_view, plan_view
from aref.records import to_record
from aref.testing import FakeClock
from chaos.loadgen import Profile, SendResult, TrafficPlan
from chaos.loadgen_driver import LoadDriver
from tests.unit.dashboard.gate import Gate

T0 = 50.0
TARGET = "http://gw.test/gateway/api/orders"


def test_an_unstarted_driver_looks_idle() -> None:
    clock = FakeClock(T0)

    async def never() -> SendResult:
        raise AssertionError("nothing is sent before a start")

    assert driver_view(LoadDriver(never, clock, Gate(clock).sleep), TARGET) == idle_view(TARGET)
    assert idle_view(TARGET)["target"] == TARGET


def test_the_plan_is_shown_without_the_runner_only_warmup() -> None:
    plan = TrafficPlan(Profile.RAMP, rate_per_s=3, duration_s=40, warmup_s=5, ramp_s=10)
    assert plan_view(to_record(plan)) == {
        "profile": "ramp",
        "rate_per_s": 3.0,
        "duration_s": 40.0,
        "ramp_s": 10.0,
        "spike_rate_per_s": None,
        "spike_at_s": None,
        "spike_s": None,
    }


def test_after_a_plan_the_view_holds_its_progress_and_the_client_stats() -> None:
    clock = FakeClock(T0)
    answers = itertools.cycle(
        [SendResult(201, 12.0), SendResult(503, 80.0, "down"), SendResult(0, 0.0, "ConnectError")]
    )

    async def send() -> SendResult:
        return next(answers)

    async def scenario() -> LoadDriver:
        driver = LoadDriver(send, clock, Gate(clock).sleep)
        driver.start(TrafficPlan(Profile.STEADY, rate_per_s=1, duration_s=6))
        await driver.wait()
        return driver

    view = driver_view(asyncio.run(scenario()), TARGET)
    assert {k: v for k, v in view.items() if k not in ("plan", "stats")} == {
        "running": False,
        "target": TARGET,
        "started_at": T0,
        "stopped_at": T0 + 5.0,
        "sent": 6,
        "in_flight": 0,
    }
    assert view["plan"] is not None
    assert view["plan"]["duration_s"] == 6.0
    assert view["stats"] == {
        "requests": 6,
        "errors": 4,
        "error_rate": 4 / 6,
        "latency_p50_ms": 12.0,
        "latency_p99_ms": 80.0,
        "by_status": {"0": 2, "201": 2, "503": 2},
        "skipped": 0,
    }
