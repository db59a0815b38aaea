"""The ``Probe`` port over the simulated fleet and shop.

A service is ready while the simulated fleet runs a replica of it (as a Serve replica answers
``/readyz`` whatever its faults, which hit business requests only); a synthetic order meets the
faults the fleet holds on its way through the simulated shop, and is recorded nowhere.
"""

from __future__ import annotations

from collections.abc import Callable

from aref.clock import Clock
from aref.control.inprocess.fleet import SimulatedFleet
from aref.control.inprocess.shop import HOP_MS, SimulatedShop
from aref.detection.probes import READYZ, ProbeResult, ProbeTarget
from chaos.faults import FaultBoard

READY, UNAVAILABLE = 200, 503


class SimulatedProbe:
    def __init__(self, clock: Clock, fleet: SimulatedFleet, shop: SimulatedShop, board: Callable[[], FaultBoard]):
        self._clock = clock
        self._fleet = fleet
        self._shop = shop
        self._board = board

    async def probe(self, target: ProbeTarget) -> ProbeResult:
        now = self._clock.now()
        if target.check == READYZ:
            ready = self._fleet.running(target.service) > 0
            error = None if ready else f"{target.service}: no replica running"
            code = READY if ready else UNAVAILABLE
            return ProbeResult(target.service, ready, HOP_MS, code, now, check=target.check, error=error)
        answer = self._shop.synthetic_order(self._board(), now)
        ok = 200 <= answer.status < 300
        status = answer.status or None
        return ProbeResult(target.service, ok, answer.latency_ms, status, now, check=target.check, error=answer.error)
