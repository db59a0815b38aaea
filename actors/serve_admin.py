"""Serve's real replica counts: read them, and change them through the external-scaler REST API.

Scaling uses ``POST /api/v1/applications/{app}/deployments/{dep}/scale`` (apps deployed with
``external_scaler_enabled: true``), never a redeploy (which would restart every replica). In Ray token-auth mode the
token is sent as a bearer header. AREF's apps name their one deployment after the app.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from aref.control.ports import ReplicaCount
from aref.errors import ArefError, ConflictError, NotFoundError

TOKEN_FILE = Path.home() / ".ray" / "auth_token"


def ray_auth_headers() -> dict[str, str]:
    if os.environ.get("RAY_AUTH_MODE", "").lower() != "token":
        return {}
    token = os.environ.get("RAY_AUTH_TOKEN") or (TOKEN_FILE.read_text().strip() if TOKEN_FILE.exists() else "")
    return {"Authorization": f"Bearer {token}"} if token else {}


class ServeAdmin:
    """The ``Scaler`` port on Ray: Serve's external-scaler REST API and its application status."""

    def __init__(self, dashboard_url: str, timeout_s: float = 10.0) -> None:
        self._url = dashboard_url.rstrip("/")
        self._http = httpx.AsyncClient(timeout=timeout_s, headers=ray_auth_headers())

    async def scale(self, service: str, replicas: int) -> None:
        url = f"{self._url}/api/v1/applications/{service}/deployments/{service}/scale"
        try:
            reply = await self._http.post(url, json={"target_num_replicas": replicas})
        except httpx.HTTPError as exc:
            raise ArefError(f"cannot reach the Ray dashboard at {self._url}: {exc}") from None
        if reply.status_code == 404:
            raise NotFoundError("service", service)
        if reply.status_code == 412:
            raise ConflictError(f"{service}: external scaling is not enabled for this application")
        if reply.status_code >= 400:
            raise ArefError(f"scaling {service} failed: HTTP {reply.status_code} {reply.text[:200]}")

    async def replicas(self) -> dict[str, ReplicaCount]:
        """Target and RUNNING replicas of every application's same-named deployment."""
        try:
            reply = await self._http.get(f"{self._url}/api/serve/applications/")
            reply.raise_for_status()
        except httpx.HTTPError as exc:
            raise ArefError(f"cannot read Serve status from {self._url}: {exc}") from None
        counts: dict[str, ReplicaCount] = {}
        for app, details in (reply.json().get("applications") or {}).items():
            deployment: dict[str, Any] | None = (details.get("deployments") or {}).get(app)
            if deployment is None:
                continue
            replicas = deployment.get("replicas") or []
            running = [r for r in replicas if r.get("state") == "RUNNING"]
            counts[app] = ReplicaCount(
                service=app,
                target=int(deployment.get("target_num_replicas") or 0),
                running=len(running),
                status=str(deployment.get("status", "UNKNOWN")),
                replica_ids=tuple(str(r.get("replica_id")) for r in running),
            )
        return counts

    async def close(self) -> None:
        await self._http.aclose()
