"""Small helpers over the running stack: HTTP calls, handles, Serve's own replica status."""

from __future__ import annotations

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
