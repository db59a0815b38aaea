"""Action items tracked to completion, kept in the store (Collection.ACTION_ITEMS).

Completion rate = completed / all items, in percent (None while there are none). Improvement
velocity = items completed in one calendar quarter (UTC) of their ``completed_at``. An item is
overdue when it is open and its ``due_at`` has passed. Targets come from ``EvolutionSettings``:
the completion rate must exceed its target (>85 %), the velocity must reach it (>= 8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aref.clock import Clock
from aref.config import EvolutionSettings
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.models import ActionItem, ActionStatus
from aref.records import to_record
from aref.store import Collection, Repository, Store


def quarter_of(at: float) -> str:
    """The calendar quarter (UTC) containing POSIX time ``at``, as ``"2024-Q3"``."""
    moment = datetime.fromtimestamp(at, tz=UTC)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class ActionStats:
    total: int
    open: int
    completed: int
    overdue: int
    completion_rate_pct: float | None
    completion_target_pct: float
    meets_completion_target: bool
    quarter: str
    velocity: int
    velocity_target: int
    meets_velocity_target: bool
    velocity_by_quarter: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_record(self)
        return result


class ActionTracker:
    def __init__(self, settings: EvolutionSettings, clock: Clock, store: Store) -> None:
        self._settings = settings
        self._clock = clock
        self._repo: Repository[ActionItem] = Repository(store, Collection.ACTION_ITEMS, ActionItem)

    def add(self, item: ActionItem) -> ActionItem:
        if not item.title.strip():
            raise InvalidInputError("title", "must not be empty")
        if self._repo.find(item.id) is not None:
            raise ConflictError(f"action {item.id} already exists")
        return self._repo.save(item)

    def find(self, action_id: str) -> ActionItem | None:
        return self._repo.find(action_id)

    def get(self, action_id: str) -> ActionItem:
        found = self._repo.find(action_id)
        if found is None:
            raise NotFoundError("action item", action_id)
        return found

    def complete(self, action_id: str) -> ActionItem:
        """Mark an open item completed now; ConflictError when it already is."""
        return self._repo.save(self.get(action_id).complete(self._clock.now()))

    def all(self, incident_id: str | None = None) -> list[ActionItem]:
        return self._repo.all() if incident_id is None else self._repo.where({"incident_id": incident_id})

    def completion_rate(self) -> float | None:
        return _completion_rate(self._repo.all())

    def overdue(self) -> list[ActionItem]:
        return _overdue(self._repo.all(), self._clock.now())

    def velocity_by_quarter(self) -> dict[str, int]:
        return _by_quarter(self._repo.all())

    def velocity(self, at: float | None = None) -> int:
        """Items completed in the calendar quarter containing ``at`` (default: now)."""
        return self.velocity_by_quarter().get(quarter_of(self._clock.now() if at is None else at), 0)

    def stats(self, keep: Callable[[ActionItem], bool] = lambda item: True) -> ActionStats:
        """Counts, rates and targets over the items ``keep`` accepts (default: all): completion
        must exceed its target, velocity must reach it."""
        items = [i for i in self._repo.all() if keep(i)]
        now = self._clock.now()
        completed = sum(1 for i in items if i.status == ActionStatus.COMPLETED)
        rate = _completion_rate(items)
        by_quarter = _by_quarter(items)
        velocity = by_quarter.get(quarter_of(now), 0)
        target_rate = self._settings.action_completion_rate_target
        target_velocity = self._settings.improvement_velocity_target
        return ActionStats(
            total=len(items),
            open=len(items) - completed,
            completed=completed,
            overdue=len(_overdue(items, now)),
            completion_rate_pct=rate,
            completion_target_pct=target_rate,
            meets_completion_target=rate is not None and rate > target_rate,
            quarter=quarter_of(now),
            velocity=velocity,
            velocity_target=target_velocity,
            meets_velocity_target=velocity >= target_velocity,
            velocity_by_quarter=by_quarter,
        )


def _completion_rate(items: list[ActionItem]) -> float | None:
    if not items:
        return None
    return sum(1 for i in items if i.status == ActionStatus.COMPLETED) / len(items) * 100.0


def _overdue(items: list[ActionItem], now: float) -> list[ActionItem]:
    return [i for i in items if i.status == ActionStatus.OPEN and i.due_at is not None and i.due_at < now]


def _by_quarter(items: list[ActionItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        if item.completed_at is not None:
            quarter = quarter_of(item.completed_at)
            counts[quarter] = counts.get(quarter, 0) + 1
    return dict(sorted(counts.items()))
