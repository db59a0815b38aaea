"""ArefClient: the one HTTP client of the CLI, over any ``httpx.Client`` (so tests can route it in-process).

Reads are GETs under ``/api/aref``; mutating calls are POSTs and carry ``Authorization: Bearer
<token>`` when a token is given. A transport failure raises ``UnreachableError``; an error answer
raises ``ApiError`` with the API's own message; a success returns the decoded JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from aref.cli.errors import ApiError, UnreachableError

API = "/api/aref"
TOKEN_HINT = "pass --token or set AREF_API_TOKEN"


class ArefClient:
    def __init__(self, url: str, http: httpx.Client, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self._http = http
        self._token = token

    # -- reads ------------------------------------------------------------------------------

    def status(self) -> Any:
        return self.get("/status")

    def services(self) -> Any:
        return self.get("/services")

    def alerts(self) -> Any:
        return self.get("/alerts")

    def pillar(self, name: str) -> Any:
        """``detection``, ``absorption``, ``adaptation``, ``recovery`` or ``evolution``."""
        return self.get(f"/{quote(name, safe='')}")

    def maturity(self, profile: str | None = None) -> Any:
        return self.get("/maturity", {"profile": profile} if profile else None)

    def metrics(self) -> Any:
        return self.get("/metrics")

    def timeline(
        self,
        *,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        limit: int = 100,
    ) -> Any:
        query = {"category": category, "severity": severity, "correlation_id": correlation_id, "limit": limit}
        return self.get("/timeline", {k: v for k, v in query.items() if v is not None})

    def experiments(self) -> Any:
        return self.get("/chaos/experiments")

    def chaos_status(self) -> Any:
        return self.get("/chaos/status")

    def load_status(self) -> Any:
        return self.get("/load")

    # -- changes ----------------------------------------------------------------------------

    def scale(self, service: str, replicas: int) -> Any:
        return self.post(f"/services/{quote(service, safe='')}/scale", {"replicas": replicas})

    def set_flag(self, name: str, enabled: bool) -> Any:
        return self.post(f"/adaptation/flags/{quote(name, safe='')}", {"enabled": enabled})

    def ack_alert(self, alert_id: str) -> Any:
        return self.post(f"/alerts/{quote(alert_id, safe='')}/ack")

    def resolve_alert(self, alert_id: str) -> Any:
        return self.post(f"/alerts/{quote(alert_id, safe='')}/resolve")

    def start_experiment(self, name: str) -> Any:
        return self.post("/chaos/start", {"experiment": name})

    def stop_chaos(self) -> Any:
        return self.post("/chaos/stop")

    def drill(self, service: str, tiers: list[str], runbooks: list[str], dry_run: bool, by: str) -> Any:
        body = {"service": service, "tiers": tiers, "runbooks": runbooks, "dry_run": dry_run, "by": by}
        return self.post("/recovery/drills", body)

    def approve_step(self, recovery_id: str, step: str, by: str) -> Any:
        return self.post(f"/recovery/{quote(recovery_id, safe='')}/steps/{quote(step, safe='')}/approve", {"by": by})

    def seed(self, incidents: int) -> Any:
        return self.post("/seed", {"incidents": incidents})

    def start_load(self, plan: Mapping[str, Any]) -> Any:
        """``plan``: profile, rate_per_s, duration_s and the profile's optional shape (a ``TrafficPlan``)."""
        return self.post("/load/start", plan)

    def stop_load(self) -> Any:
        return self.post("/load/stop")

    # -- transport --------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._call("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        return self._call("POST", path, json=dict(body or {}), headers=headers)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            reply = self._http.request(method, f"{self.url}{API}{path}", **kwargs)
        except httpx.TransportError as exc:
            raise UnreachableError(self.url, describe(exc)) from None
        if reply.status_code >= 400:
            raise api_error(reply)
        try:
            return reply.json()
        except ValueError:
            raise ApiError(reply.status_code, f"{self.url} answered with something that is not JSON") from None


def api_error(reply: httpx.Response) -> ApiError:
    """The API's ``{"error", "field"}`` body, or the start of whatever else came back."""
    try:
        body = reply.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        message, field = body["error"], body.get("field")
    else:
        message, field = (reply.text.strip()[:200] or reply.reason_phrase), None
    if reply.status_code in (401, 403):
        message = f"{message} ({TOKEN_HINT})"
    return ApiError(reply.status_code, message, field if isinstance(field, str) else None)


def describe(exc: httpx.TransportError) -> str:
    """A one-line reason: the OS error when there is one (``[Errno 111] Connection refused``)."""
    text = str(exc).strip()
    return text or type(exc).__name__
