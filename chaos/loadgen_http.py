"""Orders over HTTP: the sender the load generator uses, and an in-process load generator.

``OrderSender`` posts one order to the gateway's public route and reports the status and the
latency it measured; a refused connection or a timeout is status 0 with the error's type.
``LocalLoadGenerator`` runs a ``LoadDriver`` in the caller's event loop (a CLI process), so an
experiment can run without connecting to Ray; the ``loadgen`` actor is the in-cluster one.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from typing import Any

import httpx

from aref.clock import SystemClock
from chaos.loadgen import ClientRecord, SendResult, TrafficPlan
from chaos.loadgen_driver import DEFAULT_MAX_IN_FLIGHT, LoadDriver

ORDERS_URL = "http://127.0.0.1:8000/gateway/api/orders"
SKUS = ("SKU-001", "SKU-002", "SKU-003", "SKU-005")  # the default catalog's well-stocked items
PRICES = {"SKU-001": 89.0, "SKU-002": 29.0, "SKU-003": 49.0, "SKU-005": 39.0}
DEFAULT_TIMEOUT_S = 10.0


def order_payload(n: int, rng: random.Random) -> dict[str, Any]:
    """A small valid order (the gateway's PlaceOrder shape)."""
    sku = rng.choice(SKUS)
    return {
        "customer": f"loadgen-{n}",
        "items": [{"sku": sku, "quantity": 1, "unit_price": PRICES[sku]}],
        "channel": "email",
        "recipient": f"loadgen-{n}@example.test",
    }


class OrderSender:
    """``await sender()`` places one order and returns what the client saw."""

    def __init__(self, client: httpx.AsyncClient, url: str = ORDERS_URL, *, seed: int | None = None) -> None:
        self._client = client
        self._url = url
        self._rng = random.Random(seed)
        self._counter = itertools.count(1)

    async def __call__(self) -> SendResult:
        payload = order_payload(next(self._counter), self._rng)
        started = time.perf_counter()
        try:
            response = await self._client.post(self._url, json=payload)
        except httpx.HTTPError as exc:
            return SendResult(0, _ms_since(started), type(exc).__name__)
        error = None if response.is_success else _error_text(response)
        return SendResult(response.status_code, _ms_since(started), error)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 3)


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    message = body.get("error") if isinstance(body, dict) else None
    return str(message)[:200] if message else f"HTTP {response.status_code}"


class LocalLoadGenerator:
    """The runner's ``LoadGenerator`` in this process: a driver over an ``OrderSender``."""

    def __init__(
        self,
        url: str = ORDERS_URL,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=32)
        self._client = httpx.AsyncClient(timeout=timeout_s, limits=limits, transport=transport)
        self._driver = LoadDriver(
            OrderSender(self._client, url), SystemClock(), asyncio.sleep, max_in_flight=max_in_flight
        )

    async def start(self, plan: TrafficPlan) -> None:
        self._driver.start(plan)

    async def stop(self) -> None:
        await self._driver.stop()

    async def wait(self) -> None:
        """Until the whole plan is sent and answered."""
        await self._driver.wait()

    async def record(self) -> ClientRecord:
        return self._driver.record()

    def status(self) -> dict[str, Any]:
        return self._driver.status()

    async def aclose(self) -> None:
        await self._driver.stop()
        await self._client.aclose()
