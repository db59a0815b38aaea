from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from aref.events import Event, EventCategory, Severity
from aref.testing import FakeClock
from aref.timeline import Timeline


def event(category: EventCategory, kind: str, severity: Severity = Severity.INFO, cid: str | None = None) -> Event:
    return Event.create(category, kind, source=category.value, clock=FakeClock(), severity=severity, correlation_id=cid)


def test_query_filters_and_returns_newest_first() -> None:
    timeline = Timeline()
    first = event(EventCategory.DETECTION, "alert_fired", Severity.CRITICAL, "COR-1")
    second = event(EventCategory.ADAPTATION, "strategy_executed", Severity.WARNING, "COR-1")
    other = event(EventCategory.CHAOS, "fault_injected", Severity.WARNING, "COR-2")
    assert timeline.add([first, second, other]) == 3
    assert timeline.query(correlation_id="COR-1") == [second, first]
    assert timeline.query(severity="warning") == [other, second]
    assert timeline.query(category="chaos") == [other]
    assert timeline.query(topic="detection.alert_fired") == [first]
    assert timeline.query(limit=1) == [other]


def test_duplicates_are_ignored_and_capacity_drops_the_oldest() -> None:
    timeline = Timeline(capacity=2)
    a, b, c = (event(EventCategory.SYSTEM, k) for k in "abc")
    assert timeline.add([a, a, b]) == 2
    assert timeline.add([c]) == 1
    assert timeline.query() == [c, b]
    assert timeline.add([a]) == 1  # forgotten once it fell off
    assert len(timeline) == 2


def test_summary_counts_what_is_held() -> None:
    timeline = Timeline()
    timeline.add([event(EventCategory.DETECTION, "x", Severity.CRITICAL, "C1"), event(EventCategory.DETECTION, "y")])
    summary = timeline.summary()
    assert summary["by_category"] == {"detection": 2}
    assert summary["by_severity"] == {"critical": 1, "info": 1}
    assert summary["correlations"] == 1


@pytest.mark.parametrize(("kwargs", "field"), [({"category": "nope"}, "category"), ({"severity": "loud"}, "severity")])
def test_unknown_filters_name_the_field(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Timeline().query(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
