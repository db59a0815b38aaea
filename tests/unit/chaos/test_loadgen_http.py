from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable

import httpx

from chaos.loadgen import SendResult, TrafficPlan
from chaos.loadgen_http import ORDERS_URL, PRICES, LocalLoadGenerator, OrderSender, order_payload


def send_once(respond: Callable[[httpx.Request], httpx.Response]) -> tuple[SendResult, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return respond(request)

    async def scenario() -> SendResult:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await OrderSender(client, seed=1)()

    return asyncio.run(scenario()), seen


def test_an_order_is_posted_to_the_gateway_route_as_a_valid_order() -> None:
    result, seen = send_once(lambda r: httpx.Response(201, json={"status": "completed"}))
    (request,) = seen
    assert (request.method, str(request.url)) == ("POST", ORDERS_URL)
    body = json.loads(request.content)
    (item,) = body["items"]
    assert body["customer"] == "loadgen-1"
    assert (item["quantity"], item["unit_price"]) == (1, PRICES[item["sku"]])
    assert (result.status, result.error) == (201, None)
    assert result.latency_ms >= 0.0


def test_a_failed_order_keeps_the_api_error_message() -> None:
    reply = httpx.Response(503, json={"error": "injected error fault in payments", "fault": {}})
    result, _ = send_once(lambda r: reply)
    assert (result.status, result.error) == (503, "injected error fault in payments")
    plain, _ = send_once(lambda r: httpx.Response(502, text="bad gateway"))
    assert (plain.status, plain.error) == (502, "HTTP 502")


def test_no_answer_is_status_zero_with_the_error_type() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result, _ = send_once(refuse)
    assert (result.status, result.error) == (0, "ConnectError")


def test_payloads_are_reproducible_with_a_seed() -> None:
    first = [order_payload(n, random.Random(7)) for n in range(3)]
    again = [order_payload(n, random.Random(7)) for n in range(3)]
    assert first == again


def test_the_local_load_generator_records_what_it_sent() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(201, json={}))

    async def scenario() -> tuple[int, int]:
        load = LocalLoadGenerator(transport=transport)
        await load.start(TrafficPlan(rate_per_s=1, duration_s=1))  # one send, at once
        await load.wait()
        record = await load.record()
        await load.aclose()
        return len(record.outcomes), record.outcomes[0].status

    assert asyncio.run(scenario()) == (1, 201)
