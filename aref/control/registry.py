"""Which pillar service runs under which name, and how it is built from the settings.

Both transports build their services here: the Ray actor factory one per actor, the
in-process transport all of them. ``topology``, ``services`` and ``runbooks`` replace the
demo shop's (tests and other shops).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aref.config import ArefSettings
from aref.control.pillar import PillarService
from aref.control.pillars.absorption import AbsorptionService
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.chaos import ChaosService
from aref.control.pillars.detection import DetectionService
from aref.control.pillars.evolution import EvolutionService
from aref.control.pillars.loadgen import LoadService
from aref.control.pillars.prober import ProberService
from aref.control.pillars.recovery import RecoveryService
from aref.control.pillars.timeline import TimelineService
from aref.control.ports import Environment
from aref.control.wiring import (
    ABSORPTION,
    ADAPTATION,
    CHAOS,
    DETECTION,
    EVOLUTION,
    LOADGEN,
    PROBER,
    RECOVERY,
    TIMELINE,
)
from aref.errors import NotFoundError
from aref.recovery.runbook import Runbook
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph

SERVICE_CLASSES: dict[str, type[PillarService]] = {
    TIMELINE: TimelineService,
    DETECTION: DetectionService,
    ABSORPTION: AbsorptionService,
    ADAPTATION: AdaptationService,
    RECOVERY: RecoveryService,
    EVOLUTION: EvolutionService,
    CHAOS: ChaosService,
    LOADGEN: LoadService,
    PROBER: ProberService,
}


def build_service(
    name: str,
    settings: ArefSettings,
    env: Environment,
    *,
    topology: DependencyGraph = DEMO_TOPOLOGY,
    services: Sequence[str] = SERVICES,
    runbooks: Iterable[Runbook] | None = None,
) -> PillarService:
    if name == TIMELINE:
        return TimelineService(env)
    if name == DETECTION:
        return DetectionService(settings.detection, env, services)
    if name == ABSORPTION:
        return AbsorptionService(settings.absorption, env, topology, services)
    if name == ADAPTATION:
        return AdaptationService(settings.adaptation, env, topology, services)
    if name == RECOVERY:
        return RecoveryService(settings.recovery, env, runbooks)
    if name == EVOLUTION:
        return EvolutionService(settings.evolution, env)
    if name == CHAOS:
        return ChaosService(env, services)
    if name == LOADGEN:
        return LoadService(env, slow_ms=settings.detection.slo_latency_target_ms)
    if name == PROBER:
        return ProberService(settings.detection, env, services)
    raise NotFoundError("pillar service", name)
