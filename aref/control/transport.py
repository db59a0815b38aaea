"""How the control plane reaches the pillar services: one typed client per service.

A transport's clients have exactly the pillar services' methods, so a call with a wrong method
name or argument type is a mypy error on either transport. ``InProcessTransport``
(``aref.control.inprocess``) hands out the services themselves; ``RayTransport``
(``actors.transport``) typed clients over actor handles. ``sync`` runs the periodic work that
is due where nothing else runs it (in-process, on the injected clock); actors tick themselves.
"""

from __future__ import annotations

from typing import Protocol

from aref.control.pillars.absorption import AbsorptionService
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.chaos import ChaosService
from aref.control.pillars.detection import DetectionService
from aref.control.pillars.evolution import EvolutionService
from aref.control.pillars.loadgen import LoadService
from aref.control.pillars.recovery import RecoveryService
from aref.control.pillars.timeline import TimelineService

RAY = "ray"
SIMULATED = "simulated"


class Transport(Protocol):
    runtime: str
    """Who answers: ``RAY`` (Serve replicas and the pillar actors) or ``SIMULATED`` (a simulated fleet and shop)."""

    @property
    def detection(self) -> DetectionService: ...

    @property
    def absorption(self) -> AbsorptionService: ...

    @property
    def adaptation(self) -> AdaptationService: ...

    @property
    def recovery(self) -> RecoveryService: ...

    @property
    def evolution(self) -> EvolutionService: ...

    @property
    def chaos(self) -> ChaosService: ...

    @property
    def timeline(self) -> TimelineService: ...

    @property
    def loadgen(self) -> LoadService: ...

    async def sync(self) -> None:
        """Run the periodic work that is due and the effects it queued (no-op where services tick)."""
