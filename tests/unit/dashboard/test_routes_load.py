"""/api/aref/load over the in-memory plane: a LoadDriver sending orders to the simulated shop, on the
fake clock (``Gate``), in the event loop of one TestClient (the token: test_auth)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from aref.config import ArefSettings
from aref.control import wire
from aref.control.inprocess.shop import HOP_MS, draw
from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.testing import FakeClock
from tests.unit.dashboard.conftest import TOKEN, make_settings
from tests.unit.dashboard.gate import Gate

LOAD, START, STOP = "/api/aref/load", "/api/aref/load/start", "/api/aref/load/stop"
T0 = 1_000.0
STEADY = {"profile": "steady", "rate_per_s": 2, "duration_s": 10}  # an order every 0.5 s
IDLE_STATS = {
    "requests": 0,
    "errors": 0,
    "error_rate": None,
    "latency_p50_ms": None,
    "latency_p99_ms": None,
    "by_status": {},
    "skipped": 0,
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def gate(clock: FakeClock) -> Gate:
    return Gate(clock, until=T0 + 2.25)  # orders at 0, 0.5, 1.0, 1.5, 2.0 s, then it parks


@pytest.fixture
def plane(settings: ArefSettings, clock: FakeClock, gate: Gate) -> ControlPlane:
    return local_control_plane(settings, clock, sleep=gate.sleep)


@contextmanager
def live(plane: ControlPlane, settings: ArefSettings) -> Iterator[TestClient]:
    """A client whose event loop lives as long as the test (the driver runs in it); stopped at the end."""
    with TestClient(create_app(plane, settings=settings)) as client:
        yield client
        assert client.portal is not None
        client.portal.call(plane.transport.service("loadgen").driver.stop)


@pytest.fixture
def api(plane: ControlPlane, settings: ArefSettings) -> Iterator[TestClient]:
    with live(plane, settings) as client:
        yield client


def call(client: TestClient, fn: Any) -> None:
    assert client.portal is not None
    client.portal.call(fn)


def test_before_any_load_the_status_is_idle_and_a_stop_is_no_error(api: TestClient) -> None:
    idle = {
        "running": False,
        "target": "in-memory shop",
        "plan": None,
        "started_at": None,
        "stopped_at": None,
        "sent": 0,
        "in_flight": 0,
        "stats": IDLE_STATS,
    }
    assert api.get(LOAD).json() == idle
    stopped = api.post(STOP)
    assert (stopped.status_code, stopped.json()) == (200, idle)


def test_start_runs_until_stopped_refuses_a_second_start_and_stop_reports_the_record(
    api: TestClient, gate: Gate, clock: FakeClock
) -> None:
    started = api.post(START, json=STEADY)
    assert started.status_code == 200
    body = TypeAdapter(wire.LoadView).validate_python(started.json())
    assert (body["running"], body["started_at"], body["stopped_at"]) == (True, T0, None)
    assert body["plan"] == {
        "profile": "steady",
        "rate_per_s": 2.0,
        "duration_s": 10.0,
        "ramp_s": None,
        "spike_rate_per_s": None,
        "spike_at_s": None,
        "spike_s": None,
    }
    call(api, gate.wait_parked)
    status = api.get(LOAD).json()
    assert (status["running"], status["sent"], status["in_flight"]) == (True, 5, 0)
    assert status["stats"] == {
        **IDLE_STATS,
        "requests": 5,
        "error_rate": 0.0,
        "latency_p50_ms": 5 * HOP_MS,
        "latency_p99_ms": 5 * HOP_MS,
        "by_status": {"201": 5},
    }
    again = api.post(START, json={**STEADY, "rate_per_s": 9})
    assert again.status_code == 409
    assert again.json() == {"error": "the load generator is already running; stop it first", "field": None}
    assert api.get(LOAD).json()["plan"]["rate_per_s"] == 2.0
    stopped = api.post(STOP).json()
    assert (stopped["running"], stopped["stopped_at"], stopped["sent"]) == (False, T0 + 2.0, 5)
    assert stopped["stats"] == status["stats"]
    assert api.post(STOP).json() == stopped  # stopping again changes nothing
    clock.advance(10)
    gate.until = None
    restarted = api.post(START, json=STEADY).json()  # a fresh record
    assert (restarted["running"], restarted["started_at"], restarted["stats"]["requests"]) == (True, T0 + 12.0, 0)


def test_a_whole_plan_records_every_outcome_and_feeds_the_shop_telemetry(
    api: TestClient, plane: ControlPlane, gate: Gate, clock: FakeClock
) -> None:
    gate.until = None
    fault = api.post(
        "/api/aref/chaos/start", json={"service": "orders", "fault_type": "error", "rate": 0.5, "duration_s": 60}
    )
    assert fault.status_code == 200
    api.post(START, json={"profile": "steady", "rate_per_s": 2, "duration_s": 5})
    call(api, plane.transport.service("loadgen").driver.wait)
    failed = sum(draw(n) < 0.5 for n in range(10))
    done = api.get(LOAD).json()
    assert (done["running"], done["sent"], done["stopped_at"], clock.now()) == (False, 10, T0 + 4.5, T0 + 4.5)
    assert done["stats"] == {
        "requests": 10,
        "errors": failed,
        "error_rate": failed / 10,
        "latency_p50_ms": 2 * HOP_MS,  # half fail at orders after two hops
        "latency_p99_ms": 5 * HOP_MS,
        "by_status": {"201": 10 - failed, "503": failed},
        "skipped": 0,
    }
    assert failed == 5
    assert gate.slept == [0.5] * 9
    api.post(STOP)  # the last window (orders 8 and 9, both fine) is ingested now
    gateway = next(s for s in api.get("/api/aref/services").json()["services"] if s["name"] == "gateway")
    assert (gateway["telemetry"]["requests"], gateway["telemetry"]["errors"]) == (2, 0)


def test_the_shape_of_a_spike_or_ramp_is_kept_in_the_plan(api: TestClient) -> None:
    spike = {
        "profile": "spike",
        "rate_per_s": 2,
        "duration_s": 30,
        "spike_rate_per_s": 10,
        "spike_at_s": 5,
        "spike_s": 2,
    }
    plan = api.post(START, json=spike).json()["plan"]
    assert plan == {**spike, "ramp_s": None}
    api.post(STOP)
    ramp = api.post(START, json={"profile": "ramp", "rate_per_s": 4, "duration_s": 20, "ramp_s": 8}).json()["plan"]
    assert (ramp["profile"], ramp["ramp_s"], ramp["spike_s"]) == ("ramp", 8.0, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rate_per_s": 0}, "rate_per_s"),
        ({"rate_per_s": 201}, "rate_per_s"),
        ({"rate_per_s": "fast"}, "rate_per_s"),
        ({"duration_s": 0}, "duration_s"),
        ({"duration_s": 3601}, "duration_s"),
        ({"profile": "burst"}, "profile"),
        ({"profile": "ramp", "ramp_s": 11}, "ramp_s"),
        ({"profile": "spike", "spike_rate_per_s": 0}, "spike_rate_per_s"),
        ({"profile": "spike", "spike_at_s": 10}, "spike_at_s"),
        ({"profile": "spike", "spike_s": -1}, "spike_s"),
        ({"rate": 5}, "rate"),
        ({"warmup_s": 1}, "warmup_s"),
    ],
)
def test_a_bad_plan_is_422_naming_the_field_and_starts_nothing(
    api: TestClient, plane: ControlPlane, change: dict[str, object], field: str
) -> None:
    response = api.post(START, json={**STEADY, **change})
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert response.json()["error"].startswith(f"{field}: ")
    assert plane.transport.service("loadgen").driver.running is False


def test_a_plan_needs_a_rate_and_a_duration(api: TestClient) -> None:
    response = api.post(START, json={"profile": "steady", "rate_per_s": 1})
    assert (response.status_code, response.json()["field"]) == (422, "duration_s")


def test_with_a_token_configured_start_and_stop_need_it(plane: ControlPlane) -> None:
    with live(plane, make_settings(api_token=TOKEN)) as guarded:
        assert guarded.post(START, json=STEADY).status_code == 401
        assert plane.transport.service("loadgen").driver.running is False
        assert guarded.get(LOAD).status_code == 200
        allowed = guarded.post(START, json=STEADY, headers={"Authorization": f"Bearer {TOKEN}"})
        assert (allowed.status_code, plane.transport.service("loadgen").driver.running) == (200, True)
        assert guarded.post(STOP).status_code == 401
        assert plane.transport.service("loadgen").driver.running is True
        assert guarded.post(STOP, headers={"Authorization": f"Bearer {TOKEN}"}).json()["running"] is False


def test_the_record_is_read_from_a_position_on(api: TestClient, gate: Gate) -> None:
    api.post(START, json=STEADY)
    call(api, gate.wait_parked)
    first = api.get(f"{LOAD}/record").json()
    assert [o["at"] for o in first["outcomes"]] == [T0, T0 + 0.5, T0 + 1.0, T0 + 1.5, T0 + 2.0]
    assert {(o["status"], o["latency_ms"], o["error"]) for o in first["outcomes"]} == {(201, 5 * HOP_MS, None)}
    assert (first["next"], first["skipped"]) == (5, 0)
    assert api.get(f"{LOAD}/record", params={"after": 3}).json()["outcomes"] == first["outcomes"][3:]
    assert api.get(f"{LOAD}/record", params={"after": 5}).json() == {"outcomes": [], "next": 5, "skipped": 0}
    refused = api.get(f"{LOAD}/record", params={"after": -1})
    assert (refused.status_code, refused.json()["field"]) == (422, "after")
