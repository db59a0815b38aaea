"""HttpExperimentApi against the real API app over the in-memory engines (no Ray, no network)."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import httpx
import pytest

from aref.config import ArefSettings
from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.errors import ArefError, ConflictError, InvalidInputError, NotFoundError, RejectedError
from aref.models import HealthSample
from aref.testing import FakeClock
from aref.topology import SERVICES
from chaos.faults import FaultSpec, FaultType
from chaos.http_api import RUNS_PATH, ApiLoadGenerator, HttpExperimentApi, api_error
from chaos.loadgen import ClientRecord, Outcome, TrafficPlan
from chaos.runner import ExperimentRunner, RunnerConfig
from chaos.runner_observation import SeenAlert, SeenEvent
from chaos.schema import parse_experiment
from tests.unit.dashboard.gate import Gate

T0 = 1_000.0
TOKEN = "tok"
SPEC = FaultSpec("payments", FaultType.ERROR, 0.8, 30.0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def plane(clock: FakeClock) -> ControlPlane:
    return local_control_plane(ArefSettings(api_token=TOKEN, ray_dashboard_url="http://127.0.0.1:8265"), clock)


def over(plane: ControlPlane, token: str | None = TOKEN) -> HttpExperimentApi:
    settings = ArefSettings(api_token=TOKEN, ray_dashboard_url="http://127.0.0.1:8265")
    app = create_app(plane, settings=settings)
    return HttpExperimentApi("http://aref", token=token, transport=httpx.ASGITransport(app=app))


def test_reads_return_the_api_shapes_the_runner_uses(plane: ControlPlane) -> None:
    async def scenario() -> tuple[Any, ...]:
        api = over(plane)
        return await api.error_budgets(), await api.detectors(), await api.services(), await api.breakers()

    budgets, detectors, services, breakers = asyncio.run(scenario())
    assert {b["service"] for b in budgets} == set(SERVICES)
    assert all(b["remaining"] == 1.0 for b in budgets)
    assert detectors == ["threshold", "zscore", "isolation_forest", "slo_burn", "synthetic"]
    assert [s["name"] for s in services] == list(SERVICES)
    assert {"running", "target"} <= set(services[0]["replicas"])
    assert "gateway->payments" in breakers


def test_inject_then_stop_rolls_the_fault_back(plane: ControlPlane, clock: FakeClock) -> None:
    async def scenario() -> tuple[dict[str, Any], list[Any], list[Any]]:
        api = over(plane)
        fault = await api.inject(SPEC, "payment_test")
        events = await api.events("chaos")
        await api.stop_fault(fault["fault_id"])
        return fault, events, (await plane.chaos_status())["active"]

    fault, events, active = asyncio.run(scenario())
    assert (fault["service"], fault["rate"], fault["started_at"], fault["expires_at"]) == ("payments", 0.8, T0, T0 + 30)
    assert fault["experiment"] == "payment_test"  # the runner's experiment labels its ad-hoc fault
    assert [SeenEvent.from_view(e).topic for e in events] == ["chaos.fault_injected"]
    assert active == []


def test_stop_fault_rolls_back_that_fault_only(plane: ControlPlane) -> None:
    async def scenario() -> tuple[str, str, dict[str, Any]]:
        api = over(plane)
        first, second = await api.inject(SPEC, "a"), await api.inject(SPEC, "b")
        await api.stop_fault(first["fault_id"])
        return first["fault_id"], second["fault_id"], dict(await plane.chaos_status())

    first, second, status = asyncio.run(scenario())
    assert [f["fault_id"] for f in status["active"]] == [second]
    assert [(f["fault_id"], f["end_reason"]) for f in status["recent"]] == [(first, "stopped by request")]


def test_stopping_a_fault_that_already_ended_is_not_an_error(plane: ControlPlane, clock: FakeClock) -> None:
    async def scenario() -> dict[str, Any]:
        api = over(plane)
        fault = await api.inject(SPEC, "a")
        clock.advance(SPEC.duration_s)
        await api.stop_fault(fault["fault_id"])
        await api.stop_fault("FLT-never-was")
        return dict(await plane.chaos_status())

    assert [f["end_reason"] for f in asyncio.run(scenario())["recent"]] == ["expired"]


def test_a_404_that_is_not_about_the_fault_is_raised() -> None:
    def no_route(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": "Not Found", "field": None})

    api = HttpExperimentApi("http://aref", transport=httpx.MockTransport(no_route))
    with pytest.raises(NotFoundError, match="Not Found"):
        asyncio.run(api.stop_fault("FLT-1"))


def test_alerts_come_back_active_and_resolved(plane: ControlPlane, clock: FakeClock) -> None:
    for _ in range(5):
        clock.advance(1)
        plane.transport.ingest(HealthSample("payments", clock.now(), 100, 60))
    alerts = asyncio.run(over(plane).alerts())
    seen = [SeenAlert.from_view(a) for a in alerts]
    assert seen
    assert all(a.service == "payments" and T0 < a.fired_at <= T0 + 5 for a in seen)


def test_bad_input_and_a_missing_token_become_aref_errors(plane: ControlPlane) -> None:
    with pytest.raises(InvalidInputError) as caught:
        asyncio.run(over(plane).inject(FaultSpec("payments", FaultType.ERROR, 0.5, 10.0, -1.0), "x"))
    assert caught.value.field == "delay_ms"
    with pytest.raises(ArefError, match="HTTP 401"):
        asyncio.run(over(plane, token=None).stop_fault("FLT-1"))


def test_an_unreachable_api_is_an_aref_error_naming_the_url() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    api = HttpExperimentApi("http://127.0.0.1:9", transport=httpx.MockTransport(refuse))
    with pytest.raises(ArefError, match=r"cannot reach AREF at http://127.0.0.1:9: ConnectError"):
        asyncio.run(api.alerts())


def test_error_answers_map_onto_the_hierarchy_with_the_api_message() -> None:
    assert isinstance(api_error(404, {"error": "unknown experiment: 'x'"}, "GET /x"), NotFoundError)
    assert str(api_error(404, {"error": "unknown experiment: 'x'"}, "GET /x")) == "unknown experiment: 'x'"
    assert isinstance(api_error(409, {"error": "busy"}, "POST /x"), ConflictError)
    assert isinstance(api_error(429, {"error": "slow down"}, "POST /x"), RejectedError)
    invalid = api_error(422, {"error": "rate: too high", "field": "rate"}, "POST /x")
    assert isinstance(invalid, InvalidInputError)
    assert invalid.field == "rate"
    assert str(api_error(500, None, "GET /x")) == "GET /x: HTTP 500: HTTP 500"


def test_a_run_record_is_posted_to_the_runs_endpoint() -> None:
    posted: list[httpx.Request] = []

    def accept(request: httpx.Request) -> httpx.Response:
        posted.append(request)
        return httpx.Response(201, json={"ok": True})

    api = HttpExperimentApi("http://aref", token=TOKEN, transport=httpx.MockTransport(accept))
    asyncio.run(api.save_run("RUN-1", {"id": "RUN-1", "passed": True}))
    (request,) = posted
    assert (request.method, request.url.path, request.headers["authorization"]) == ("POST", RUNS_PATH, "Bearer tok")
    assert json.loads(request.content) == {"id": "RUN-1", "passed": True}


def test_a_run_record_is_stored_by_the_api_with_nan_as_null(plane: ControlPlane) -> None:
    record = {"id": "RUN-1", "passed": False, "mttd_s": math.nan}
    asyncio.run(over(plane).save_run("RUN-1", record))
    assert asyncio.run(plane.runs()) == [{"id": "RUN-1", "passed": False, "mttd_s": None}]
    with pytest.raises(InvalidInputError) as caught:
        asyncio.run(over(plane).save_run("", {"passed": True}))
    assert caught.value.field == "id"


class SteadyLoad:
    """Every 0.5 s from T0, all answered."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    async def start(self, plan: TrafficPlan) -> None: ...

    async def stop(self) -> None: ...

    async def record(self) -> ClientRecord:
        count = int((self.clock.now() - T0) / 0.5)
        return ClientRecord(tuple(Outcome(T0 + i * 0.5, 201, 20.0) for i in range(count)))


def test_the_runner_over_the_http_api_measures_what_the_engines_did(plane: ControlPlane, clock: FakeClock) -> None:
    async def tick(seconds: float) -> None:
        """Each simulated second, payments reports what its active fault does to it."""
        for _ in range(round(seconds)):
            clock.advance(1)
            faulty = any(f["service"] == "payments" for f in (await plane.chaos_status())["active"])
            plane.transport.ingest(HealthSample("payments", clock.now(), 100, 60 if faulty else 0))

    experiment = parse_experiment(
        {
            "name": "payment_test",
            "description": "payments fail",
            "target": "payments",
            "fault": {"type": "error", "rate": 0.8, "duration_s": 16},
            "traffic": {"rate_per_s": 2, "warmup_s": 4, "duration_s": 100},
            "steady_state": [{"metric": "error_rate", "max": 0.05, "window_s": 4}],
            "hypothesis": [{"detected_within_s": 10}, {"error_rate_below": 0.05}],
            "observe_s": 30,
        }
    )
    api = over(plane)
    config = RunnerConfig(poll_s=2, grace_s=5, lag_s=0)
    runner = ExperimentRunner(api, clock, tick, SteadyLoad(clock), sink=api, config=config)
    record = asyncio.run(runner.run(experiment))

    alerts = [SeenAlert.from_view(a) for a in asyncio.run(api.alerts()) if a["service"] == "payments"]
    assert record.passed
    assert record.injected_at == T0 + 4
    assert record.mttd_s == min(a.fired_at for a in alerts) - record.injected_at
    assert record.rolled_back_at == T0 + 20
    fired = {a.detector for a in alerts if record.fault_window[0] <= a.fired_at <= record.fault_window[1]}
    assert {d.detector for d in record.ground_truth.detectors if not d.missed} == fired
    status = asyncio.run(plane.chaos_status())
    assert status["active"] == []
    assert [(f["fault_id"], f["end_reason"]) for f in status["recent"]] == [(record.fault_id, "expired")]
    (stored,) = asyncio.run(plane.runs())
    assert (record.storage_error, stored["id"], stored["passed"]) == (None, record.id, True)
    assert stored["mttd_s"] == record.mttd_s


def test_the_api_load_generator_follows_the_load_record(clock: FakeClock) -> None:
    settings = ArefSettings(api_token=TOKEN, ray_dashboard_url="http://127.0.0.1:8265")
    plane = local_control_plane(settings, clock, sleep=Gate(clock).sleep)  # the plan runs on the fake clock

    async def scenario() -> tuple[int, int, int, str]:
        api = over(plane)
        loadgen = ApiLoadGenerator(api)
        await loadgen.start(TrafficPlan(rate_per_s=2, duration_s=2, warmup_s=1))  # warmup_s is the runner's own
        await plane.transport.service("loadgen").driver.wait()
        first = await loadgen.record()
        again = await loadgen.record()  # nothing new: nothing appended twice
        await loadgen.stop()
        await ApiLoadGenerator(api).start(TrafficPlan(rate_per_s=1, duration_s=600))  # still running next
        try:
            await ApiLoadGenerator(api).start(TrafficPlan(rate_per_s=1, duration_s=5))
        except ConflictError as error:
            refused = str(error)
        await plane.stop_load()
        return len(first.outcomes), len(again.outcomes), sum(o.ok for o in first.outcomes), refused

    sent, still, ok, refused = asyncio.run(scenario())
    assert (sent, still, ok) == (4, 4, 4)
    assert refused == "the load generator is already running; stop it first"


def test_a_provider_fault_reaches_the_api_and_flags_are_read_from_what_replicas_applied(plane: ControlPlane) -> None:
    fault = asyncio.run(over(plane).inject(FaultSpec.build("payments", "error", 0.5, 10.0, provider="stripe-sim"), "x"))
    assert (fault["service"], fault["provider"]) == ("payments", "stripe-sim")

    replicas = [
        {"service": "notifications", "applied": {"flags": {"notifications.search": False, "analytics": True}}},
        {"service": "notifications", "applied": {"flags": {"notifications.search": False, "analytics": False}}},
        {"service": "gateway", "applied": {"flags": {"gateway.analytics": True}}},
    ]
    providers = [{"name": "stripe-sim", "successes": 3}, {"name": "adyen-sim", "successes": 9}]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/aref/controls/applied":
            return httpx.Response(200, json={"replicas": replicas})
        assert request.url.path == "/payments/providers/health"
        return httpx.Response(200, json={"providers": providers, "traffic": {}})

    api = HttpExperimentApi("http://aref", transport=httpx.MockTransport(answer))
    assert asyncio.run(api.flags()) == {
        "notifications.search": False,  # off on every replica
        "notifications.analytics": True,  # still on on one replica
        "gateway.analytics": True,
    }
    assert asyncio.run(api.captured("payments")) == {"stripe-sim": 3, "adyen-sim": 9}
    assert asyncio.run(api.captured("orders")) == {}  # no alternatives: nothing asked
