"""Loading demo history: past incidents replayed through a real ``EvolutionEngine``, on request only.

``seed_history`` generates the next ``count`` past incidents (``aref.evolution.demo_history``,
numbered after the seeded incidents already stored, so seeding again adds more with new ids) and
replays them in time order through an ``EvolutionEngine`` over the given store whose clock is the
replayed time: at each incident's review time the engine gets its event chain, ending with the
``recovery.recovery_resolved`` it consumes, and writes the review, action items, knowledge entry,
recurrence and incident as it does for a live one; later, the action items completed since are
completed through the engine. The engine's own events (``evolution.review_generated``,
``evolution.recurrence_detected``) reach ``sink`` with ``"seeded": True`` added to their payload;
the replayed chain is never published, so no live engine reacts to it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from aref import topics
from aref.clock import Clock
from aref.config import EvolutionSettings
from aref.events import Event, EventSink
from aref.evolution.demo_history import PastIncident, check_count, past_incidents, seeded_number
from aref.evolution.engine import EvolutionEngine
from aref.evolution.replay_store import FocusedStore
from aref.evolution.review import ReviewTargets
from aref.models import ActionStatus
from aref.store import Collection, Store


@dataclass(frozen=True)
class SeedReport:
    """What one seeding added: incidents, the reviews and action items the engine wrote for them,
    and the history events replayed into it."""

    incidents: int
    reviews: int
    action_items: int
    events: int

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


Step = Callable[[EvolutionEngine], None]


class _ReplayClock:
    """The time of the history being replayed."""

    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


class _SeededSink:
    """Marks every event as demo history and passes it on; counts the reviews it saw."""

    def __init__(self, sink: EventSink) -> None:
        self._sink = sink
        self.reviews = 0
        self.action_items = 0

    def emit(self, event: Event) -> None:
        if event.topic == topics.REVIEW_GENERATED:
            self.reviews += 1
            self.action_items += len(event.payload.get("action_item_ids", ()))
        self._sink.emit(dataclasses.replace(event, payload={**event.payload, "seeded": True}))


def next_number(store: Store) -> int:
    """One more than the highest seeded incident number stored (1 when there is none)."""
    numbers = [seeded_number(str(r.get("id", ""))) for r in store.list(Collection.INCIDENTS)]
    return max((n for n in numbers if n is not None), default=0) + 1


def seed_history(
    count: int,
    *,
    settings: EvolutionSettings,
    clock: Clock,
    store: Store,
    sink: EventSink,
    targets: ReviewTargets | None = None,
) -> SeedReport:
    """Add ``count`` (1..100) past, reviewed incidents to ``store``; InvalidInputError("incidents") otherwise."""
    check_count(count)
    now = clock.now()
    history = past_incidents(next_number(store), count, now)
    replay = _ReplayClock(now)
    seeded = _SeededSink(sink)
    view = FocusedStore(store)
    engine = EvolutionEngine(settings, replay, seeded, view, targets=targets)
    for at, step in sorted(_schedule(history, view), key=lambda s: s[0]):  # stable: ties keep their order
        replay.at = at
        step(engine)
    return SeedReport(
        incidents=len(history),
        reviews=seeded.reviews,
        action_items=seeded.action_items,
        events=sum(len(p.chain) for p in history),
    )


def _schedule(history: tuple[PastIncident, ...], view: FocusedStore) -> list[tuple[float, Step]]:
    """(time, step) for each review and each later action-item completion."""
    steps: list[tuple[float, Step]] = []
    for past in history:
        steps.append((past.review_at, _review(past, view)))
        steps += [(at, _complete(past, n)) for n, at in enumerate(past.follow_ups)]
    return steps


def _review(past: PastIncident, view: FocusedStore) -> Step:
    """Hand the engine the incident's chain; it reviews the incident on the resolution at its end."""

    def step(engine: EvolutionEngine) -> None:
        view.focus_on(past.signature)
        engine.handle(past.chain)

    return step


def _complete(past: PastIncident, index: int) -> Step:
    """Complete the incident's ``index``-th (0-based) action item, when its review made that many."""

    def step(engine: EvolutionEngine) -> None:
        items = engine.actions.all(past.incident.id)  # in the order the review created them
        if index < len(items) and items[index].status == ActionStatus.OPEN:
            engine.complete_action(items[index].id)

    return step
