"""Detection as it runs: replica telemetry merged per tick into samples, alerts, the load forward.

Probe results (the prober's rounds) are judged as they arrive (``ingest_probes``); the status
lists every probe target with its last result under ``probes``.

Replicas push ``ReplicaTelemetry`` records; each tick merges what arrived per service into one
``HealthSample`` for the engine, keeps it as the service's latest, and forwards the service's
load to adaptation. The rate is the sample's requests over the span its reports cover (the one
definition of a service's load rate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from aref.config import DetectionSettings
from aref.control.pillar import PillarService
from aref.control.ports import Environment, LoadObservation, LoadObserver
from aref.control.wiring import DETECTION
from aref.detection.alerts import Alert
from aref.detection.engine import DetectionEngine
from aref.detection.facts import SLO_BURN, DetectionFacts
from aref.detection.probes import DETECTOR as SYNTHETIC
from aref.detection.probes import ProbeResult
from aref.errors import InvalidInputError, NotFoundError, StoreError
from aref.models import HealthSample
from aref.records import from_record, json_ready
from aref.telemetry import ReplicaTelemetry, merge_service
from aref.topology import SERVICES


class DetectionService(PillarService):
    NAME: ClassVar[str] = DETECTION
    engine: DetectionEngine

    def __init__(self, settings: DetectionSettings, env: Environment, services: Sequence[str] = SERVICES) -> None:
        super().__init__(env.publish())
        self.clock = env.clock
        self.engine = DetectionEngine(settings, env.clock, self.sink, env.store(), services)
        self._services = tuple(services)
        self._observe_load: LoadObserver = env.load_observer()
        self._pending: list[ReplicaTelemetry] = []
        self.latest: dict[str, HealthSample] = {}
        self.samples_ingested = 0
        self.probes_ingested = 0

    # -- inputs ---------------------------------------------------------------------------------

    def ingest_telemetry(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Replica telemetry records (``to_record(ReplicaTelemetry)``), merged at the next tick.

        A batch with a malformed record or a service detection does not watch is refused whole
        (``InvalidInputError`` / ``NotFoundError``), so the tick's merge never fails."""
        reports = []
        for record in records:
            try:
                reports.append(from_record(ReplicaTelemetry, record))
            except StoreError as exc:
                raise InvalidInputError("telemetry", str(exc)) from None
        unknown = sorted({r.service for r in reports} - set(self._services))
        if unknown:
            raise NotFoundError("service", unknown[0])
        self._pending.extend(reports)
        return len(reports)

    def ingest_samples(self, samples: Sequence[HealthSample]) -> int:
        """Merged samples straight to the engine (no load is forwarded: a sample has no span)."""
        for sample in samples:
            self._judge(sample)
        return len(samples)

    def ingest_client_failures(self, sent_at: Sequence[float]) -> int:
        """Send times of orders the load generator saw fail or answer too slowly (for incident onsets)."""
        self.engine.ingest_client_failures(sent_at)
        return len(sent_at)

    def ingest_probes(self, results: Sequence[ProbeResult]) -> int:
        """Probe results, judged at once (a dead service alerts without waiting for a tick)."""
        for result in results:
            self.engine.ingest_probe(result)
        self.probes_ingested += len(results)
        return len(results)

    def on_tick(self) -> None:
        self.merge_pending()
        self.engine.tick()

    def merge_pending(self) -> None:
        """Merge the telemetry that arrived into one sample per service and forward its load."""
        pending, self._pending = self._pending, []
        now = self.clock.now()
        for service in dict.fromkeys(r.service for r in pending):
            mine = [r for r in pending if r.service == service]
            sample = merge_service(mine, service, now)
            self._judge(sample)
            span = max(r.ended_at for r in mine) - min(r.started_at for r in mine)
            if span > 0:
                busy_ms = sum(r.busy_ms for r in mine)
                self._observe_load(
                    LoadObservation(
                        service,
                        sample.replicas,
                        sample.requests / span,
                        sample.latency_p99_ms,
                        sample.error_rate,
                        ongoing_per_replica=busy_ms / 1000.0 / span / max(1, sample.replicas),
                        latency_mean_ms=busy_ms / sample.requests if sample.requests else 0.0,
                    )
                )

    def _judge(self, sample: HealthSample) -> None:
        self.engine.ingest(sample)
        self.latest[sample.service] = sample
        self.samples_ingested += 1

    # -- commands and reads ---------------------------------------------------------------------

    async def ack(self, alert_id: str) -> Alert:
        return self.engine.ack(alert_id)

    async def resolve(self, alert_id: str) -> Alert:
        return self.engine.resolve(alert_id)

    async def alerts(self) -> tuple[list[Alert], list[Alert]]:
        """Open alerts (oldest first) and the recently resolved ones (newest first)."""
        return self.engine.active_alerts(), self.engine.recent_resolved()

    async def latest_samples(self) -> dict[str, HealthSample]:
        return dict(self.latest)

    async def silent_services(self) -> list[str]:
        """Services that sent no request nor probe result within the no-data window."""
        return list(self.engine.silent_services())

    async def slos(self) -> list[dict[str, Any]]:
        """Every SLO tracker's status: events, bad events, budget, burn rates."""
        detectors = self.engine.status()["detectors"]
        return [dict(json_ready(s)) for s in detectors.get(SLO_BURN, {}).get("slos", [])]

    async def facts(self) -> DetectionFacts:
        return self.engine.facts()

    async def status(self) -> dict[str, Any]:
        status = await super().status()
        status["samples_ingested"] = self.samples_ingested
        status["probes"] = status["detectors"].get(SYNTHETIC, {}).get("targets", [])
        status["probes_ingested"] = self.probes_ingested
        return status
