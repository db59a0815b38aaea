"""``aref load run``: the send schedule, outcomes and summary, against a fake gateway on the fake clock;
``aref load start | stop | status``: the API's background load over the in-memory plane."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from aref.cli.load import percentile, send, summarise
from aref.config import ArefSettings
from aref.control.inprocess.shop import HOP_MS
from aref.control.inprocess.transport import local_control_plane
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.recovery.runbook import Runbook
from aref.testing import FakeClock
from tests.unit.cli.conftest import URL, Harness, row
from tests.unit.dashboard.gate import Gate

RATE, DURATION = 4, 5  # 20 orders, one every 0.25 s


def with_gateway(harness: Harness, clock: FakeClock) -> list[dict[str, Any]]:
    """Mount a fake gateway beside the API: order i takes (i % 5 + 1) * 10 ms; every fourth one is refused."""
    orders: list[dict[str, Any]] = []
    shop = FastAPI()

    @shop.post("/gateway/api/orders")
    async def place(request: Request) -> JSONResponse:
        body = await request.json()
        orders.append(body)
        i = int(body["customer"].removeprefix("aref-load-"))
        clock.advance((i % 5 + 1) * 0.01)
        return JSONResponse({"order": i}, status_code=503 if i % 4 == 3 else 201)

    shop.mount("/", harness.app)
    harness.app = shop
    return orders


def test_load_sends_on_schedule_and_summarises(harness: Harness, clock: FakeClock) -> None:
    orders = with_gateway(harness, clock)
    result = harness.invoke("load", "run", "--rate", str(RATE), "--duration", str(DURATION), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [o["customer"] for o in orders] == [f"aref-load-{i}" for i in range(20)]
    assert [o["items"][0]["sku"] for o in orders[:6]] == [
        "SKU-001",
        "SKU-002",
        "SKU-003",
        "SKU-004",
        "SKU-005",
        "SKU-001",
    ]
    assert len(harness.slept) == 19
    assert [round(s, 6) for s in harness.slept] == [round(0.25 - ((i % 5) + 1) * 0.01, 6) for i in range(19)]
    assert summary == {
        "sent": 20,
        "ok": 15,
        "failed": 5,
        "error_rate": 0.25,
        "achieved_rate_per_s": round(20 / 4.8, 2),  # 19 gaps of 0.25 s, then the last answer's 50 ms
        "latency_p50_ms": 30.0,
        "latency_p99_ms": 50.0,
        "statuses": {"201": 15, "503": 5},
    }


def test_load_prints_a_summary_table(harness: Harness, clock: FakeClock) -> None:
    with_gateway(harness, clock)
    out = harness.invoke("load", "run", "--rate", str(RATE), "--duration", str(DURATION)).output
    assert row(out, "sent") == ["sent", "20"]
    assert row(out, "error rate") == ["error rate", "0.25"]
    assert row(out, "answered 503") == ["answered 503", "5"]


def test_load_against_a_stack_without_a_gateway_counts_the_404s(harness: Harness) -> None:
    summary = harness.json("load", "run", "--rate", "2", "--duration", "1")
    assert (summary["sent"], summary["ok"], summary["statuses"]) == (2, 0, {"404": 2})


def test_a_transport_failure_is_an_outcome_not_a_crash() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    assert send(httpx.Client(transport=httpx.MockTransport(refuse)), "http://x/gateway/api/orders", {}) == "ReadTimeout"


def test_summary_of_nothing_sent() -> None:
    assert summarise(Counter(), [], 0.0) == {
        "sent": 0,
        "ok": 0,
        "failed": 0,
        "error_rate": None,
        "achieved_rate_per_s": None,
        "latency_p50_ms": None,
        "latency_p99_ms": None,
        "statuses": {},
    }


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 99, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 51, 3.0),
        ([4.0, 1.0, 3.0, 2.0], 100, 4.0),
    ],
)
def test_percentile_is_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == expected


def test_load_refuses_a_rate_out_of_bounds(harness: Harness) -> None:
    assert harness.invoke("load", "run", "--rate", "0").exit_code == 2


# -- the background load (start / stop / status) --------------------------------------------


class Background:
    """The CLI over one long-lived app client (the load runs in its event loop) and a gated fake sleep."""

    def __init__(self, harness: Harness, plane: ControlPlane, client: TestClient, gate: Gate) -> None:
        self.harness, self.plane, self.client, self.gate = harness, plane, client, gate

    def run_to_the_end(self) -> None:
        assert self.client.portal is not None
        self.client.portal.call(self.plane.transport.service("loadgen").driver.wait)


@pytest.fixture
def background(clock: FakeClock, settings: ArefSettings, runbooks: tuple[Runbook, ...]) -> Iterator[Background]:
    gate = Gate(clock)
    plane = local_control_plane(settings, clock, runbooks=runbooks, sleep=gate.sleep)
    app = create_app(plane, settings=settings)
    with TestClient(app, base_url=URL) as client:
        harness = Harness(clock, app, routes={URL: lambda base_url: client})
        yield Background(harness, plane, client, gate)
        assert client.portal is not None
        client.portal.call(plane.transport.service("loadgen").driver.stop)


def test_status_before_any_load_says_it_never_started(background: Background) -> None:
    data = background.harness.json("load", "status")
    assert (data["running"], data["plan"], data["stats"]["requests"]) == (False, None, 0)
    out = background.harness.invoke("load", "status").output
    assert row(out, "state") == ["state", "never started"]
    assert row(out, "target") == ["target", "in-memory shop"]


def test_start_sends_the_plan_and_stop_shows_what_was_recorded(background: Background) -> None:
    h = background.harness
    started = h.json("load", "start", "--rate", "2", "--duration", "5")
    assert (started["running"], started["plan"]["profile"], started["plan"]["rate_per_s"]) == (True, "steady", 2.0)
    assert started["plan"]["duration_s"] == 5.0
    background.run_to_the_end()
    out = h.invoke("load", "status").output
    assert row(out, "state") == ["state", "stopped"]
    assert row(out, "rate /s") == ["rate /s", "2"]
    assert row(out, "duration") == ["duration", "5.0 s"]
    assert row(out, "requests") == ["requests", "10"]
    assert row(out, "error rate") == ["error rate", "0%"]
    assert row(out, "answered 201") == ["answered 201", "10"]
    stopped = h.json("load", "stop")
    assert stopped["stats"]["by_status"] == {"201": 10}
    assert stopped["stats"]["latency_p50_ms"] == 5 * HOP_MS
    assert row(h.invoke("load", "stop").output, "state") == ["state", "stopped"]


def test_start_passes_the_shape_of_a_spike(background: Background) -> None:
    args = ["--profile", "spike", "--rate", "2", "--duration", "30", "--spike-rate", "10", "--spike-at", "5"]
    plan = background.harness.json("load", "start", *args, "--spike-for", "2")["plan"]
    assert plan == {
        "profile": "spike",
        "rate_per_s": 2.0,
        "duration_s": 30.0,
        "ramp_s": None,
        "spike_rate_per_s": 10.0,
        "spike_at_s": 5.0,
        "spike_s": 2.0,
    }
    ramp = ["start", "--profile", "ramp", "--rate", "4", "--duration", "20", "--ramp", "8"]
    background.harness.invoke("load", "stop")
    assert background.harness.json("load", *ramp)["plan"]["ramp_s"] == 8.0


def test_a_second_start_is_refused_while_one_runs(background: Background) -> None:
    background.gate.until = background.harness.clock.now() + 1.0
    first = background.harness.invoke("load", "start", "--rate", "2", "--duration", "5")
    assert first.exit_code == 0, first.output
    assert row(first.output, "state") == ["state", "running"]
    second = background.harness.invoke("load", "start", "--rate", "9")
    assert second.exit_code == 2
    assert second.stderr.strip() == "error 409: the load generator is already running; stop it first"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate", "0"], "error 422: rate_per_s: must be > 0 and <= 200 requests/s, got 0"),
        (["--duration", "4000"], "error 422: duration_s: must be > 0 and <= 3600 s, got 4000"),
        (["--profile", "ramp", "--duration", "10", "--ramp", "20"], "error 422: ramp_s: must be > 0 and <= duration_s"),
    ],
)
def test_a_plan_the_api_refuses_is_one_line_naming_the_field(
    background: Background, args: list[str], message: str
) -> None:
    result = background.harness.invoke("load", "start", *args)
    assert (result.exit_code, result.stderr.strip()) == (2, message)
    assert background.plane.transport.service("loadgen").driver.running is False


def test_an_unknown_profile_is_a_usage_error(harness: Harness) -> None:
    assert harness.invoke("load", "start", "--profile", "burst").exit_code == 2
