"""The load generator as it runs: orders on a traffic plan, every client-side outcome recorded.

One ``LoadDriver`` over the environment's order sender (the gateway over HTTP on Ray, the
simulated shop in-process); its views are the API's ``LoadView`` and ``LoadRecordView``. Each
tick hands the send times of the orders that failed or answered slower than ``slow_ms`` since the
last tick to detection (``ClientSink``), which dates incident onsets by what clients saw.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aref.control.load_views import check_after, driver_view, record_view
from aref.control.pillar import PillarService
from aref.control.ports import ClientSink, Environment
from aref.control.wire import LoadRecordView, LoadView
from aref.control.wiring import LOADGEN
from chaos.loadgen import TrafficPlan
from chaos.loadgen_driver import DEFAULT_MAX_IN_FLIGHT, LoadDriver


class LoadService(PillarService):
    NAME: ClassVar[str] = LOADGEN

    def __init__(self, env: Environment, *, slow_ms: float = 500.0, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        super().__init__(env.publish())
        send, self.target = env.order_sender()
        self.driver = LoadDriver(send, env.clock, env.sleep, max_in_flight=max_in_flight)
        self.slow_ms = slow_ms
        self._clients: ClientSink = env.client_sink()
        self._reported = 0  # outcomes of the current record already looked at

    def on_tick(self) -> None:
        """Report the bad orders answered since the last tick (the driver paces the sending itself)."""
        fresh = self.driver.record(self._reported).outcomes
        self._reported += len(fresh)
        bad = [o.at for o in fresh if not o.ok or o.latency_ms > self.slow_ms]
        if bad:
            self._clients(bad)

    async def start(self, plan: TrafficPlan) -> LoadView:
        """Start sending on ``plan`` with a fresh record; ``ConflictError`` while a plan runs."""
        self.driver.start(plan)
        self._reported = 0
        return driver_view(self.driver, self.target)

    async def stop(self) -> LoadView:
        """Stop sending and wait for the answers in flight (nothing to stop is fine)."""
        await self.driver.stop()
        return driver_view(self.driver, self.target)

    async def view(self) -> LoadView:
        return driver_view(self.driver, self.target)

    async def record(self, after: int = 0) -> LoadRecordView:
        """Outcomes from position ``after`` on, the next position, and the skipped sends."""
        check_after(after)
        return record_view(self.driver.record(after), after)

    async def status(self) -> dict[str, Any]:
        return dict(driver_view(self.driver, self.target))
