"""The verify conditions of a live recovery, read from detection's live telemetry and SLO state.

- ``metrics.error_rate_below`` / ``metrics.error_rate_above``: the service's error rate in
  detection's latest telemetry window against ``threshold``; no requests in it never holds.
- ``slo.within_target``: every SLO of the service that has events meets its target.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aref.control.pillars.recovery_actions import service_of
from aref.control.pillars.recovery_runner import Condition
from aref.control.ports import Peers
from aref.recovery.step_kinds import StepContext, Verdict


class RecoveryChecks:
    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    def conditions(self) -> dict[str, Condition]:
        return {
            "metrics.error_rate_below": self.error_rate_below,
            "metrics.error_rate_above": self.error_rate_above,
            "slo.within_target": self.slo_within_target,
        }

    async def _error_rate(self, params: Mapping[str, Any], context: StepContext) -> tuple[str, float | None, str]:
        service = service_of(params, context)
        sample = (await self._peers.detection().latest_samples()).get(service)
        if sample is None or sample.requests == 0:
            return service, None, f"no requests of {service} in detection's latest window"
        rate = sample.errors / sample.requests
        return service, rate, f"{service} error rate {rate:.3f} ({sample.errors}/{sample.requests}) at {sample.at:.0f}"

    async def error_rate_below(self, params: Mapping[str, Any], context: StepContext) -> Verdict:
        threshold = float(params.get("threshold", 0.05))
        _, rate, measured = await self._error_rate(params, context)
        return Verdict(rate is not None and rate < threshold, f"{measured}; below {threshold:g} wanted")

    async def error_rate_above(self, params: Mapping[str, Any], context: StepContext) -> Verdict:
        threshold = float(params.get("threshold", 0.5))
        _, rate, measured = await self._error_rate(params, context)
        return Verdict(rate is not None and rate > threshold, f"{measured}; above {threshold:g} wanted")

    async def slo_within_target(self, params: Mapping[str, Any], context: StepContext) -> Verdict:
        service = service_of(params, context)
        slos = [s for s in await self._peers.detection().slos() if s.get("service") == service and s.get("events")]
        if not slos:
            return Verdict(False, f"no SLO of {service} has events yet")
        readings = []
        for slo in slos:
            good = 1.0 - float(slo["bad_events"]) / float(slo["events"])
            readings.append((slo["name"], good, float(slo["target"])))
        measured = "; ".join(f"{name} {good:.4f} (target {target:g})" for name, good, target in readings)
        return Verdict(all(good >= target for _, good, target in readings), measured)
