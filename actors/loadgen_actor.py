"""The ``loadgen`` actor: drives order traffic through the gateway's HTTP route, in the cluster.

A named, detached, async actor (options from ``actors.options.actor_options``) around one
``chaos.loadgen_driver.LoadDriver`` whose sender posts to ``/gateway/api/orders`` with
``httpx.AsyncClient``. Methods take and return plain dicts; failures come back as the usual
envelope (``{"ok": ...}`` / ``{"error": ...}``). ``start``, ``stop`` and ``status`` answer the
API's ``LoadView`` (``aref.dashboard.load``), so the control plane passes it on unchanged.
``RayLoadGenerator`` is the runner-side client: it satisfies ``chaos.runner.LoadGenerator`` and
fetches the record incrementally.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import ray

from actors.client import unwrap
from actors.options import actor_options
from aref.clock import SystemClock
from aref.dashboard.load import driver_view, record_view
from aref.errors import ArefError, error_to_dict
from aref.records import from_record, to_record
from chaos.loadgen import ClientRecord, Outcome, TrafficPlan
from chaos.loadgen_driver import DEFAULT_MAX_IN_FLIGHT, LoadDriver
from chaos.loadgen_http import DEFAULT_TIMEOUT_S, ORDERS_URL, OrderSender

LOADGEN = "loadgen"


class LoadGenActor:
    NAME = LOADGEN

    def __init__(
        self, url: str = ORDERS_URL, timeout_s: float = DEFAULT_TIMEOUT_S, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    ) -> None:
        self.url = url
        limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=32)
        self.client = httpx.AsyncClient(timeout=timeout_s, limits=limits)
        self.driver = LoadDriver(
            OrderSender(self.client, url), SystemClock(), asyncio.sleep, max_in_flight=max_in_flight
        )

    async def start(self, plan: dict[str, Any]) -> dict[str, Any]:
        """Start sending ``plan`` (a ``TrafficPlan`` record); refused while a plan runs."""
        try:
            self.driver.start(from_record(TrafficPlan, plan))
        except ArefError as error:
            return {"error": error_to_dict(error)}
        return {"ok": driver_view(self.driver, self.url)}

    async def stop(self) -> dict[str, Any]:
        """Stop sending and wait for the answers in flight (nothing to stop is fine)."""
        await self.driver.stop()
        return {"ok": driver_view(self.driver, self.url)}

    async def status(self) -> dict[str, Any]:
        return {"ok": driver_view(self.driver, self.url)}

    async def record(self, after: int = 0) -> dict[str, Any]:
        """Outcomes from position ``after`` on, the next position, and the skipped sends."""
        return {"ok": record_view(self.driver.record(after), after)}

    async def ping(self) -> str:
        return self.NAME


def ensure_loadgen(url: str = ORDERS_URL) -> Any:
    """The ``loadgen`` actor's handle, created if missing (``url`` applies only on creation)."""
    return ray.remote(LoadGenActor).options(**actor_options(LOADGEN)).remote(url)


class RayLoadGenerator:
    """``chaos.runner.LoadGenerator`` over the ``loadgen`` actor."""

    def __init__(self, handle: Any | None = None) -> None:
        self._handle = handle if handle is not None else ensure_loadgen()
        self._record = ClientRecord()

    async def start(self, plan: TrafficPlan) -> None:
        unwrap(await self._handle.start.remote(to_record(plan)))
        self._record = ClientRecord()

    async def stop(self) -> None:
        unwrap(await self._handle.stop.remote())

    async def record(self) -> ClientRecord:
        reply = unwrap(await self._handle.record.remote(len(self._record.outcomes)))
        fresh = [from_record(Outcome, o) for o in reply["outcomes"]]
        self._record = self._record.extended(fresh, skipped=int(reply["skipped"]))
        return self._record
