"""The detection actor: merges replica telemetry per tick, feeds the detection engine, owns alerts.

It also forwards each service's merged load to the adaptation actor (for the scaling policy).
"""

from __future__ import annotations

import logging
from typing import Any

import ray

from actors.host import EngineHost
from actors.options import ADAPTATION, DETECTION, NAMESPACE
from aref.detection.engine import DetectionEngine
from aref.records import from_record, to_record
from aref.telemetry import ReplicaTelemetry, merge_service

log = logging.getLogger(__name__)


class DetectionActor(EngineHost):
    NAME = DETECTION

    def build_engine(self) -> DetectionEngine:
        self._pending: list[ReplicaTelemetry] = []
        self._last_tick = self.clock.now()
        self._samples = 0
        self.latest: dict[str, dict[str, Any]] = {}
        return DetectionEngine(self.settings.detection, self.clock, self.sink, self.store)

    async def ingest_telemetry(self, reports: list[dict[str, Any]]) -> int:
        self._pending.extend(from_record(ReplicaTelemetry, r) for r in reports)
        return len(reports)

    def on_tick(self) -> None:
        now = self.clock.now()
        pending, self._pending = self._pending, []
        elapsed = max(now - self._last_tick, 1e-6)
        self._last_tick = now
        for service in sorted({r.service for r in pending}):
            sample = merge_service(pending, service, now)
            self.engine.ingest(sample)
            self.latest[service] = to_record(sample)
            self._samples += 1
            self._forward_load(
                service, sample.replicas, sample.requests / elapsed, sample.latency_p99_ms, sample.error_rate
            )
        self.engine.tick()

    def _forward_load(self, service: str, replicas: int, rate: float, p99: float, error_rate: float) -> None:
        try:
            adaptation = ray.get_actor(ADAPTATION, namespace=NAMESPACE)
            adaptation.observe_load.remote(service, replicas, rate, p99, error_rate)
        except ValueError:
            log.debug("adaptation actor not running; load of %s not forwarded", service)

    async def alerts(self) -> list[dict[str, Any]]:
        """Open alerts (firing or acknowledged), oldest first."""
        return [to_record(a) for a in self.engine.active_alerts()]

    async def ack(self, alert_id: str) -> dict[str, Any]:
        return self.envelope(lambda: to_record(self.engine.ack(alert_id)))

    async def resolve(self, alert_id: str) -> dict[str, Any]:
        return self.envelope(lambda: to_record(self.engine.resolve(alert_id)))

    async def get_status(self) -> dict[str, Any]:
        status = await super().get_status()
        status["samples_ingested"] = self._samples
        status["latest_samples"] = dict(self.latest)
        return status
