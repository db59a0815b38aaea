"""``aref load``: the send schedule, outcomes and summary, against a fake gateway on the fake clock."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from aref.cli.load import percentile, send, summarise
from aref.testing import FakeClock
from tests.unit.cli.conftest import Harness, row

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
    result = harness.invoke("load", "--rate", str(RATE), "--duration", str(DURATION), "--json")
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
    out = harness.invoke("load", "--rate", str(RATE), "--duration", str(DURATION)).output
    assert row(out, "sent") == ["sent", "20"]
    assert row(out, "error rate") == ["error rate", "0.25"]
    assert row(out, "answered 503") == ["answered 503", "5"]


def test_load_against_a_stack_without_a_gateway_counts_the_404s(harness: Harness) -> None:
    summary = harness.json("load", "--rate", "2", "--duration", "1")
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
    assert harness.invoke("load", "--rate", "0").exit_code == 2
