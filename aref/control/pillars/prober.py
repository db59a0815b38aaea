"""The synthetic prober as it runs: every target probed each interval, the results to detection.

Targets are every service's readiness route and a synthetic order through the gateway
(``aref.detection.probes.probe_targets``). A round starts on the first tick at least
``synthetic_probe_interval`` after the previous round started; it probes all targets at once,
each bounded by ``synthetic_probe_timeout`` (a probe still unanswered then, or one that raised,
is a failed result), so a slow target never delays the others. The round's results go to
detection in one batch (``ProbeSink``), which judges them (``aref.detection.probes``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from aref.config import DetectionSettings
from aref.control.pillar import PillarService
from aref.control.ports import Environment, Probe, ProbeSink
from aref.control.wiring import PROBER
from aref.detection.probes import ProbeResult, ProbeTarget, probe_targets
from aref.records import json_ready, to_record
from aref.topology import SERVICES


class ProberService(PillarService):
    NAME: ClassVar[str] = PROBER

    def __init__(self, settings: DetectionSettings, env: Environment, services: Sequence[str] = SERVICES) -> None:
        super().__init__(env.publish())
        self.clock = env.clock
        self._probe: Probe = env.prober()
        self._sink: ProbeSink = env.probe_sink()
        self.targets: tuple[ProbeTarget, ...] = probe_targets(services)
        self.interval = settings.synthetic_probe_interval
        self.timeout = settings.synthetic_probe_timeout
        self._round_at: float | None = None
        self.rounds = 0
        self.last: dict[str, ProbeResult] = {}

    def on_tick(self) -> None:
        now = self.clock.now()
        if self._round_at is None or now - self._round_at >= self.interval:
            self._round_at = now
            self.later(self.round)

    def deliver(self, events: Sequence[Any]) -> int:
        """The prober subscribes to nothing."""
        return 0

    async def round(self) -> list[ProbeResult]:
        """Probe every target once, concurrently, and hand the results to detection."""
        results = list(await asyncio.gather(*(self._one(t) for t in self.targets)))
        self.rounds += 1
        for target, result in zip(self.targets, results, strict=True):
            self.last[target.key] = result
        self._sink(results)
        return results

    async def _one(self, target: ProbeTarget) -> ProbeResult:
        sent = self.clock.now()
        try:
            return await asyncio.wait_for(self._probe.probe(target), self.timeout)
        except TimeoutError:
            error = f"no answer within {self.timeout:g} s"
        except Exception as exc:  # a probe that could not even be sent is a failed probe
            error = f"{type(exc).__name__}: {exc}"[:200]
        latency = max(0.0, (self.clock.now() - sent) * 1000.0)
        return ProbeResult(target.service, False, latency, None, sent, check=target.check, error=error)

    async def status(self) -> dict[str, Any]:
        return dict(
            json_ready(
                {
                    "interval_seconds": self.interval,
                    "timeout_seconds": self.timeout,
                    "rounds": self.rounds,
                    "targets": [t.key for t in self.targets],
                    "last": {key: to_record(result) for key, result in self.last.items()},
                }
            )
        )
