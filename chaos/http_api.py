"""The runner's ``ExperimentApi``, ``RunSink`` and ``LoadGenerator`` over AREF's HTTP API (``/api/aref/*``).

``ApiLoadGenerator`` drives the cluster's ``loadgen`` actor through ``/api/aref/load/*`` and
follows its record of every client-side outcome (``GET /load/record?after=N``).

Answers are the API's JSON shapes (``aref.control.wire``). Failures come back as the AREF
error hierarchy: 422 -> InvalidInputError (with the API's field), 404 -> NotFoundError,
409 -> ConflictError, 429 -> RejectedError, anything else (and no answer at all) -> ArefError,
each carrying the API's own message. Mutating calls send ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from aref.errors import ArefError, ConflictError, InvalidInputError, NotFoundError, RejectedError
from aref.records import json_ready, to_record
from chaos.faults import ALTERNATIVES, FaultSpec
from chaos.loadgen import ClientRecord, Outcome, TrafficPlan

API = "/api/aref"
DEFAULT_URL = "http://127.0.0.1:8000"
RUNS_PATH = f"{API}/chaos/runs"  # POST one run record, GET the newest ones
ENDED = "unknown fault"  # the API's 404 for a fault that is not (or no longer) active
TIMELINE_LIMIT = 1000


def api_error(status: int, body: Any, where: str) -> ArefError:
    """The AREF error for an API error answer ``{"error": message, "field": name}``."""
    message = str(body.get("error")) if isinstance(body, Mapping) and body.get("error") else f"HTTP {status}"
    field = body.get("field") if isinstance(body, Mapping) else None
    error: ArefError
    if status == 422:
        return InvalidInputError(str(field or "body"), message)
    if status == 409:
        return ConflictError(message)
    if status == 404:
        error = NotFoundError("resource", where)
    elif status == 429:
        error = RejectedError("api", where)
    else:
        return ArefError(f"{where}: HTTP {status}: {message}")
    error.args = (message,)  # keep the API's own words
    return error


class HttpExperimentApi:
    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        token: str | None = None,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout_s, headers=headers, transport=transport
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ArefError(f"cannot reach AREF at {self.base_url}: {type(exc).__name__}: {exc}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success:
            return body
        raise api_error(response.status_code, body, f"{method} {path}")

    # -- ExperimentApi ---------------------------------------------------------------------------

    async def error_budgets(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", f"{API}/metrics"))["error_budgets"])

    async def detectors(self) -> list[str]:
        return list((await self._call("GET", f"{API}/detection"))["detectors"])

    async def services(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", f"{API}/services"))["services"])

    async def inject(self, spec: FaultSpec, experiment: str) -> dict[str, Any]:
        """An ad-hoc fault labelled with the experiment's name (the API's registry may not know the file)."""
        body = {
            "service": spec.service,
            "fault_type": spec.fault_type.value,
            "rate": spec.rate,
            "duration_s": spec.duration_s,
            "delay_ms": spec.delay_ms,
            "provider": spec.provider,
            "label": experiment,
        }
        fault: dict[str, Any] = await self._call("POST", f"{API}/chaos/start", json=body)
        return fault

    async def stop_fault(self, fault_id: str) -> None:
        """Roll back this fault only; one that has already ended (expired, stopped) is not an error."""
        try:
            await self._call("POST", f"{API}/chaos/stop/{quote(fault_id, safe='')}")
        except NotFoundError as error:
            if not str(error).startswith(ENDED):
                raise  # not the API's word on the fault (an API without this route): it may still be active

    async def alerts(self) -> list[dict[str, Any]]:
        view = await self._call("GET", f"{API}/alerts")
        return [*view["active"], *view["recent_resolved"]]

    async def events(self, category: str) -> list[dict[str, Any]]:
        view = await self._call("GET", f"{API}/timeline", params={"category": category, "limit": TIMELINE_LIMIT})
        return list(view["events"])

    async def breakers(self) -> dict[str, dict[str, Any]]:
        return dict((await self._call("GET", f"{API}/absorption"))["breakers"])

    async def flags(self) -> dict[str, bool]:
        """What the replicas applied (``GET /controls/applied``): a flag is on if any live replica has it on."""
        applied: dict[str, bool] = {}
        for replica in (await self._call("GET", f"{API}/controls/applied"))["replicas"]:
            for name, enabled in replica["applied"]["flags"].items():
                full = name if "." in name else f"{replica['service']}.{name}"
                applied[full] = applied.get(full, False) or bool(enabled)
        return applied

    async def captured(self, service: str) -> dict[str, int]:
        """The payments service's own provider counters (``GET /payments/providers/health``)."""
        if service not in ALTERNATIVES:
            return {}
        providers = (await self._call("GET", f"/{service}/providers/health"))["providers"]
        return {str(p["name"]): int(p["successes"]) for p in providers}

    # -- RunSink ---------------------------------------------------------------------------------

    async def save_run(self, run_id: str, record: Mapping[str, Any]) -> None:
        """``POST /chaos/runs`` (201 ``{"id": ...}``); the record must carry ``run_id`` as its ``id``."""
        body = json_ready({**record, "id": run_id})  # JSON has no NaN: non-finite numbers go as null
        await self._call("POST", RUNS_PATH, json=body)


class ApiLoadGenerator:
    """``chaos.runner.LoadGenerator`` over the API's load endpoints: the loadgen actor sends the orders.

    A load already running (``aref load start``) refuses the start with ``ConflictError``.
    """

    def __init__(self, api: HttpExperimentApi) -> None:
        self._api = api
        self._record = ClientRecord()

    async def start(self, plan: TrafficPlan) -> None:
        body = {k: v for k, v in to_record(plan).items() if k != "warmup_s" and v is not None}
        await self._api._call("POST", f"{API}/load/start", json=body)
        self._record = ClientRecord()

    async def stop(self) -> None:
        await self._api._call("POST", f"{API}/load/stop")

    async def record(self) -> ClientRecord:
        """Everything since ``start``: the new outcomes are fetched and appended."""
        after = len(self._record.outcomes)
        try:
            reply = await self._api._call("GET", f"{API}/load/record", params={"after": after})
        except ArefError:  # a missed read is caught up by the next one (it asks from the same position)
            return self._record
        fresh = [
            Outcome(float(o["at"]), int(o["status"]), float(o["latency_ms"]), o.get("error")) for o in reply["outcomes"]
        ]
        self._record = self._record.extended(fresh, skipped=int(reply["skipped"]))
        return self._record
