"""Who hears what: the one subscription table of the runtime.

Each pillar actor receives the topics its engine declares in ``SUBSCRIBES``; evolution receives
every correlated event (it rebuilds an incident's chain for the review); the timeline receives
everything. ``route`` turns a batch of published events into one batch per receiving actor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from actors.options import ABSORPTION, ADAPTATION, DETECTION, EVOLUTION, RECOVERY, TIMELINE
from aref.absorption.engine import AbsorptionEngine
from aref.adaptation.engine import AdaptationEngine
from aref.detection.engine import DetectionEngine
from aref.events import Event
from aref.recovery.engine import RecoveryEngine

Accepts = Callable[[Event], bool]


def _topics(subscribed: Iterable[str]) -> Accepts:
    wanted = frozenset(subscribed)
    return lambda event: event.topic in wanted


SUBSCRIPTIONS: Mapping[str, Accepts] = {
    DETECTION: _topics(DetectionEngine.SUBSCRIBES),
    ABSORPTION: _topics(AbsorptionEngine.SUBSCRIBES),
    ADAPTATION: _topics(AdaptationEngine.SUBSCRIBES),
    RECOVERY: _topics(RecoveryEngine.SUBSCRIBES),
    EVOLUTION: lambda event: event.correlation_id is not None,
    TIMELINE: lambda event: True,
}


def route(events: Iterable[Event], publisher: str) -> dict[str, list[Event]]:
    """One batch per subscriber (never back to the publisher), in publication order."""
    batches: dict[str, list[Event]] = {}
    for event in events:
        for actor, accepts in SUBSCRIPTIONS.items():
            if actor != publisher and accepts(event):
                batches.setdefault(actor, []).append(event)
    return batches
