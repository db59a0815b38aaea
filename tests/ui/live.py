"""A live AREF API for the UI tests: uvicorn in a thread over a ``ControlPlane`` on the wall clock.

``LiveServer`` runs the app on its own event loop; everything that touches the control plane
(requests, the traffic below, test set-up through ``call``/``run``) runs on that one loop, so the
in-memory engines never see two threads. ``Traffic`` plays the replicas: every ``period`` seconds each
service serves ``rps * period`` requests whose outcome comes from ``chaos.faults.decide`` over the
live fault board (an injected fault fails or slows exactly its share of them), and the callers'
breaker outcome reports for the calls they made. Nothing here sleeps inside the loop except the
period between pushes.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

from aref.absorption.shared_breaker import OutcomeReport
from aref.clock import Clock
from aref.control.plane import ControlPlane
from aref.records import to_record
from aref.telemetry import TelemetryAccumulator
from aref.topology import DEMO_TOPOLOGY, SERVICES
from chaos.faults import EffectKind, decide

T = TypeVar("T")
BASE_LATENCY_MS = 20.0
EDGE_CALLS = 10  # calls per period a caller reports on each edge to a shop service


@dataclass
class Traffic:
    plane: ControlPlane
    clock: Clock
    period: float = 0.5
    rps: int = 30
    pushes: int = 0
    _last: float = field(default=0.0, init=False)
    _sequence: int = field(default=0, init=False)

    def push(self) -> None:
        """One period of every service's traffic, as the replicas' tick loop pushes it."""
        now = self.clock.now()
        start = max(self._last, now - self.period)  # after a stall, one period's worth, as a replica's tick
        self._last = now
        board = self.plane.transport.board()
        requests = max(1, round(self.rps * (now - start)))
        records: list[dict[str, Any]] = []
        for service in SERVICES:
            replicas = [
                TelemetryAccumulator(service, f"{service}-r{n}", start)
                for n in range(max(1, self.plane.transport.fleet.running(service)))
            ]
            for i in range(requests):
                effect = decide(board, service, start, i / requests)
                latency = BASE_LATENCY_MS + (effect.delay_ms if effect.kind is EffectKind.DELAY else 0.0)
                ok = effect.kind not in (EffectKind.ERROR, EffectKind.TIMEOUT)
                replicas[i % len(replicas)].record(latency, ok=ok)
            records.extend(to_record(acc.flush(now)) for acc in replicas)
        self.plane.transport.ingest_telemetry(records)
        self.plane.transport.apply_reports(self._breaker_reports(board, start, now))
        self.pushes += 1

    def _breaker_reports(self, board: Any, start: float, now: float) -> list[dict[str, Any]]:
        breakers = self.plane.transport.service("absorption").engine.status()["breakers"]
        self._sequence += 1
        reports = []
        for caller, callee in DEMO_TOPOLOGY.edges:
            edge = f"{caller}->{callee}"
            if callee not in SERVICES or breakers.get(edge, {}).get("state") == "open":
                continue  # an open breaker stops the calls; the databases are not simulated
            effects = [decide(board, callee, start, i / EDGE_CALLS) for i in range(EDGE_CALLS)]
            failures = sum(e.kind in (EffectKind.ERROR, EffectKind.TIMEOUT) for e in effects)
            report = OutcomeReport(
                edge, f"{caller}#{caller}#r0", EDGE_CALLS - failures, failures, 0, now, self._sequence
            )
            reports.append(to_record(report))
        return reports

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.push()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.period)


class LiveServer:
    """``app`` served on ``host:port`` from a background thread, with ``traffic`` pushed on its loop."""

    def __init__(self, app: FastAPI, plane: ControlPlane, traffic: Traffic, host: str, port: int) -> None:
        self.plane = plane
        self.traffic = traffic
        self.url = f"http://{host}:{port}"
        self._host, self._port = host, port
        self._server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._serve, name="aref-ui-server", daemon=True)

    def start(self, timeout: float = 15.0) -> None:
        with socket.socket() as sock:
            if sock.connect_ex((self._host, self._port)) == 0:
                raise RuntimeError(f"port {self._port} is in use: is another UI test server running?")
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the UI test server did not start on {self.url}")
            time.sleep(0.05)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        feeder = asyncio.create_task(self.traffic.run(self._stop))
        try:
            await self._server.serve()
        finally:
            self._stop.set()
            await feeder

    def run(self, make: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
        """Await a control-plane coroutine on the server's loop: ``server.run(lambda: plane.status())``."""

        async def call() -> T:
            return await make()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout)

    def call(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        """Run a plain function on the server's loop (safe access to the in-memory engines)."""

        async def call() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout)

    def wait_for(self, check: Callable[[], bool], *, timeout: float, what: str) -> None:
        """Poll ``check`` (run on the server's loop) until it holds."""
        deadline = time.monotonic() + timeout
        while not self.call(check):
            if time.monotonic() > deadline:
                raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
            time.sleep(0.2)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
