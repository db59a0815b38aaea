from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aref.config import EvolutionSettings
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.evolution.actions import ActionTracker, quarter_of
from aref.models import ActionItem, ActionStatus, Pillar
from aref.store import Collection
from aref.testing import FakeClock, MemoryStore

from .builders import T0

DAY = 86400.0


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


def item(action_id: str, *, due_at: float | None = None, incident_id: str = "INC-1") -> ActionItem:
    return ActionItem(action_id, incident_id, f"fix {action_id}", Pillar.DETECTION, created_at=T0, due_at=due_at)


def tracker(clock: FakeClock, store: MemoryStore | None = None, **targets: float) -> ActionTracker:
    return ActionTracker(EvolutionSettings(**targets), clock, store or MemoryStore())


@pytest.mark.parametrize(
    ("at", "quarter"),
    [
        (ts(2024, 3, 31, 23, 59, 59), "2024-Q1"),
        (ts(2024, 4, 1), "2024-Q2"),
        (ts(2024, 9, 30, 23, 59, 59), "2024-Q3"),
        (ts(2024, 12, 31, 12), "2024-Q4"),
        (ts(2025, 1, 1), "2025-Q1"),
    ],
)
def test_quarter_of_uses_utc_calendar_quarters(at: float, quarter: str) -> None:
    assert quarter_of(at) == quarter


def test_complete_marks_the_item_completed_now(clock: FakeClock) -> None:
    actions = tracker(clock)
    actions.add(item("A"))
    clock.advance(120)
    done = actions.complete("A")
    assert (done.status, done.completed_at) == (ActionStatus.COMPLETED, T0 + 120)
    assert actions.get("A") == done


def test_completing_twice_conflicts_and_unknown_ids_are_not_found(clock: FakeClock) -> None:
    actions = tracker(clock)
    actions.add(item("A"))
    actions.complete("A")
    with pytest.raises(ConflictError):
        actions.complete("A")
    with pytest.raises(NotFoundError):
        actions.complete("B")


def test_add_refuses_duplicates_and_empty_titles(clock: FakeClock) -> None:
    actions = tracker(clock)
    actions.add(item("A"))
    with pytest.raises(ConflictError):
        actions.add(item("A"))
    with pytest.raises(InvalidInputError) as caught:
        actions.add(ActionItem("B", "INC-1", " ", Pillar.RECOVERY, created_at=T0))
    assert caught.value.field == "title"


def test_completion_rate_in_percent(clock: FakeClock) -> None:
    actions = tracker(clock)
    assert actions.completion_rate() is None
    for name in "ABC":
        actions.add(item(name))
    actions.complete("A")
    actions.complete("C")
    assert actions.completion_rate() == pytest.approx(200 / 3)


def test_overdue_lists_open_items_past_their_due_date(clock: FakeClock) -> None:
    actions = tracker(clock)
    actions.add(item("due-soon", due_at=T0 + 2 * DAY))
    actions.add(item("due-past", due_at=T0 + DAY))
    actions.add(item("done-past", due_at=T0 + DAY))
    actions.add(item("no-date"))
    actions.complete("done-past")
    assert actions.overdue() == []
    clock.advance(DAY + 1)
    assert [i.id for i in actions.overdue()] == ["due-past"]


def test_velocity_counts_completions_per_calendar_quarter() -> None:
    clock = FakeClock(ts(2024, 3, 30))
    actions = tracker(clock)
    for name in "ABCD":
        actions.add(item(name))
    actions.complete("A")
    actions.complete("B")
    clock.set(ts(2024, 4, 2))
    actions.complete("C")
    assert actions.velocity_by_quarter() == {"2024-Q1": 2, "2024-Q2": 1}
    assert actions.velocity() == 1
    assert actions.velocity(ts(2024, 2, 1)) == 2
    assert actions.velocity(ts(2023, 6, 1)) == 0


def test_stats_compare_with_the_settings_targets(clock: FakeClock) -> None:
    actions = tracker(clock, action_completion_rate_target=85.0, improvement_velocity_target=17)
    for n in range(20):
        actions.add(item(f"A{n:02d}", due_at=T0 - 1))
    for n in range(17):
        actions.complete(f"A{n:02d}")
    stats = actions.stats()
    assert (stats.total, stats.open, stats.completed, stats.overdue) == (20, 3, 17, 3)
    assert stats.completion_rate_pct == pytest.approx(85.0)
    assert stats.meets_completion_target is False  # the target is "more than 85 %"
    assert (stats.quarter, stats.velocity, stats.meets_velocity_target) == ("2023-Q4", 17, True)
    actions.complete("A17")
    stats = actions.stats()
    assert stats.completion_rate_pct == pytest.approx(90.0)
    assert stats.meets_completion_target is True
    assert stats.to_dict()["velocity_by_quarter"] == {"2023-Q4": 18}


def test_stats_without_items_meet_no_rate_target(clock: FakeClock) -> None:
    stats = tracker(clock, improvement_velocity_target=0).stats()
    assert stats.completion_rate_pct is None
    assert stats.meets_completion_target is False
    assert stats.meets_velocity_target is True


def test_items_live_in_the_store(clock: FakeClock) -> None:
    store = MemoryStore()
    tracker(clock, store).add(item("A"))
    tracker(clock, store).complete("A")
    assert store.list(Collection.ACTION_ITEMS)[0]["status"] == "completed"
    assert [i.id for i in tracker(clock, store).all("INC-1")] == ["A"]
    assert tracker(clock, store).all("INC-2") == []
