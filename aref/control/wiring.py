"""Who hears what: the one subscription table, used by both transports.

Each pillar receives the topics its engine declares in ``SUBSCRIBES``; evolution receives every
correlated event (it rebuilds an incident's chain for the review); the timeline receives
everything. ``route`` turns a batch of published events into one batch per receiver, never
back to the publisher.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from aref.absorption.engine import AbsorptionEngine
from aref.adaptation.engine import AdaptationEngine
from aref.detection.engine import DetectionEngine
from aref.events import Event
from aref.recovery.engine import RecoveryEngine

DETECTION = "detection"
ABSORPTION = "absorption"
ADAPTATION = "adaptation"
RECOVERY = "recovery"
EVOLUTION = "evolution"
CHAOS = "chaos"
TIMELINE = "timeline"
LOADGEN = "loadgen"
PROBER = "prober"
PILLARS: tuple[str, ...] = (DETECTION, ABSORPTION, ADAPTATION, RECOVERY, EVOLUTION)

Accepts = Callable[[Event], bool]


def _topics(subscribed: Iterable[str]) -> Accepts:
    wanted = frozenset(subscribed)
    return lambda event: event.topic in wanted


SUBSCRIPTIONS: Mapping[str, Accepts] = {
    TIMELINE: lambda event: True,
    EVOLUTION: lambda event: event.correlation_id is not None,
    DETECTION: _topics(DetectionEngine.SUBSCRIBES),
    ABSORPTION: _topics(AbsorptionEngine.SUBSCRIBES),
    ADAPTATION: _topics(AdaptationEngine.SUBSCRIBES),
    RECOVERY: _topics(RecoveryEngine.SUBSCRIBES),
}


def route(events: Iterable[Event], publisher: str) -> dict[str, list[Event]]:
    """One batch per subscriber (never back to the publisher), in publication order."""
    batches: dict[str, list[Event]] = {}
    for event in events:
        for receiver, accepts in SUBSCRIPTIONS.items():
            if receiver != publisher and accepts(event):
                batches.setdefault(receiver, []).append(event)
    return batches
