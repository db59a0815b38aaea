"""The Ray transport: the control plane's typed clients over the pillar actors' handles."""

from __future__ import annotations

from functools import cached_property

from actors.client import client
from aref.control.pillars.absorption import AbsorptionService
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.chaos import ChaosService
from aref.control.pillars.detection import DetectionService
from aref.control.pillars.evolution import EvolutionService
from aref.control.pillars.loadgen import LoadService
from aref.control.pillars.recovery import RecoveryService
from aref.control.pillars.timeline import TimelineService
from aref.control.transport import RAY
from aref.control.wiring import ABSORPTION, ADAPTATION, CHAOS, DETECTION, EVOLUTION, LOADGEN, RECOVERY, TIMELINE


class RayTransport:
    """Actors tick on their own timers, so ``sync`` has nothing to do."""

    runtime = RAY

    @cached_property
    def detection(self) -> DetectionService:
        return client(DetectionService, DETECTION)

    @cached_property
    def absorption(self) -> AbsorptionService:
        return client(AbsorptionService, ABSORPTION)

    @cached_property
    def adaptation(self) -> AdaptationService:
        return client(AdaptationService, ADAPTATION)

    @cached_property
    def recovery(self) -> RecoveryService:
        return client(RecoveryService, RECOVERY)

    @cached_property
    def evolution(self) -> EvolutionService:
        return client(EvolutionService, EVOLUTION)

    @cached_property
    def chaos(self) -> ChaosService:
        return client(ChaosService, CHAOS)

    @cached_property
    def timeline(self) -> TimelineService:
        return client(TimelineService, TIMELINE)

    @cached_property
    def loadgen(self) -> LoadService:
        return client(LoadService, LOADGEN)

    async def sync(self) -> None:
        return None
