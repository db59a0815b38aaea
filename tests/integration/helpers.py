"""Small helpers over the running stack: HTTP calls, handles, Serve's own replica status."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from actors.serve_admin import ray_auth_headers
from tests.stack import DASHBOARD, HTTP

ORDER = {"customer": "it-customer", "items": [{"sku": "SKU-001", "quantity": 1, "unit_price": 9.5}]}


def api(method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{HTTP}{path}", timeout=30, **kwargs)


def serve_replicas(app: str) -> list[dict[str, Any]]:
    """Serve's own view of an application's replicas (REST, as `serve status` reads it)."""
    reply = httpx.get(f"{DASHBOARD}/api/serve/applications/", timeout=10, headers=ray_auth_headers()).json()
    deployment = reply["applications"][app]["deployments"][app]
    replicas: list[dict[str, Any]] = deployment["replicas"]
    return replicas


def running_ids(app: str) -> set[str]:
    return {r["replica_id"] for r in serve_replicas(app) if r["state"] == "RUNNING"}


@contextmanager
def order_traffic(max_orders: int) -> Iterator[list[int]]:
    """Orders through the gateway, about five a second, until the block ends (at most ``max_orders``).

    Yields the HTTP status of every order so far (0 when the request itself failed)."""
    statuses: list[int] = []
    stop = threading.Event()

    def send() -> None:
        for _ in range(max_orders):
            if stop.wait(0.2):
                return
            try:
                statuses.append(api("POST", "/gateway/api/orders", json=ORDER).status_code)
            except httpx.HTTPError:
                statuses.append(0)

    worker = threading.Thread(target=send, daemon=True)
    worker.start()
    try:
        yield statuses
    finally:
        stop.set()
        worker.join(timeout=35)
