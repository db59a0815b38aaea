"""``bare_data_plane``: the benchmark's variant (b), where a request is the operation alone."""

from __future__ import annotations

import asyncio

from aref.config import load_settings
from aref.testing import FakeClock
from services.base.envelope import Envelope
from services.base.faults import FaultDraw
from services.base.link import ReplicaIdentity
from services.base.runtime import ReplicaRuntime
from tests.unit.services.base.test_runtime import fault_board, no_sleep
from tests.unit.services.fakes import FakeLink


def bare_runtime(clock: FakeClock, *, bare: bool) -> ReplicaRuntime:
    settings = load_settings().model_copy(update={"bare_data_plane": bare})
    identity = ReplicaIdentity("orders", "orders#orders#r1", "SERVE_REPLICA::orders#orders#r1", 4242)
    return ReplicaRuntime(identity, settings, FakeLink(), clock, rng=lambda: 0.1, sleep=no_sleep, autostart=False)


def test_a_bare_request_skips_the_fault_hook_and_records_nothing() -> None:
    clock = FakeClock(1000.0)
    rt = bare_runtime(clock, bare=True)
    rt.apply_faults(fault_board(3, "error", service="orders").to_dict())
    ran: list[bool] = []

    def work(draw: FaultDraw) -> dict[str, str]:
        ran.append(draw.fails())
        return {"id": "ORD-1"}

    answer = asyncio.run(rt.run("create_order", work, status=201))

    assert answer == Envelope(201, {"id": "ORD-1"})
    assert ran == [False]  # the operation's own draws see no fault either
    assert (rt.requests, rt.errors, rt.telemetry.flush(clock.now()).requests) == (0, 0, 0)
    assert rt.health()["bare_data_plane"] is True


def test_the_same_fault_hits_a_request_when_the_data_plane_is_not_bare() -> None:
    clock = FakeClock(1000.0)
    rt = bare_runtime(clock, bare=False)
    rt.apply_faults(fault_board(3, "error", service="orders").to_dict())

    answer = asyncio.run(rt.run("create_order", lambda _: {"id": "ORD-1"}, status=201))

    assert answer.status == 503
    assert (rt.requests, rt.errors) == (1, 1)
    assert rt.health()["bare_data_plane"] is False


def test_a_bare_request_still_maps_errors_to_an_envelope() -> None:
    rt = bare_runtime(FakeClock(1000.0), bare=True)

    def crash(_: FaultDraw) -> None:
        raise KeyError("boom")

    assert asyncio.run(rt.run("create_order", crash)).status == 500
