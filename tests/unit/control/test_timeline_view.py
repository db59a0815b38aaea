"""The timeline view: newest-first events cut at the limit, counts and summary over every match."""

from __future__ import annotations

import pytest

from aref.control.timeline_view import MAX_LIMIT, check_limit, event_view, timeline_view
from aref.errors import InvalidInputError
from aref.events import Event, EventCategory, Severity
from aref.testing import FakeClock


def make(clock: FakeClock, category: EventCategory, severity: Severity) -> Event:
    clock.advance(1)
    return Event.create(category, "happened", source=category.value, clock=clock, severity=severity)


@pytest.fixture
def matched() -> list[Event]:
    clock = FakeClock()
    return [
        make(clock, EventCategory.ADAPTATION, Severity.INFO),
        make(clock, EventCategory.RECOVERY, Severity.EMERGENCY),
        make(clock, EventCategory.ADAPTATION, Severity.WARNING),
    ]


def test_the_limit_cuts_the_events_not_the_counts(matched: list[Event]) -> None:
    view = timeline_view(matched, limit=2, retained=10)
    assert [e["category"] for e in view["events"]] == ["adaptation", "recovery"]
    assert (view["matched"], view["retained"]) == (3, 10)
    assert view["summary"] == {
        "by_category": {"adaptation": 2, "recovery": 1},
        "by_severity": {"info": 1, "emergency": 1, "warning": 1},
        "by_source": {"adaptation": 2, "recovery": 1},
    }


@pytest.mark.parametrize("limit", [0, MAX_LIMIT + 1, True])
def test_a_limit_outside_the_range_is_refused(limit: int) -> None:
    with pytest.raises(InvalidInputError) as err:
        check_limit(limit)
    assert err.value.field == "limit"


def test_the_range_bounds_are_allowed() -> None:
    assert (check_limit(1), check_limit(MAX_LIMIT)) == (1, MAX_LIMIT)


def test_an_event_view_is_plain_data() -> None:
    event = Event.create(
        EventCategory.DETECTION,
        "alert_fired",
        source="detection",
        clock=FakeClock(),
        correlation_id="COR-1",
        payload={"value": float("inf"), "tags": ("a", "b")},
    )
    view = event_view(event)
    assert (view["topic"], view["type"], view["correlation_id"]) == ("detection.alert_fired", "alert_fired", "COR-1")
    assert view["payload"] == {"value": None, "tags": ["a", "b"]}
