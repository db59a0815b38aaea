"""The timeline view: events of ``aref.timeline.Timeline`` as the API returns them.

The API asks for at most ``MAX_LIMIT`` events at once (``InvalidInputError`` on ``limit``);
category and severity filters are the timeline's own (an exact match, unknown values refused).
The summary counts every event that matched, not only the ``limit`` newest returned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from aref.control.wire import EventView, TimelineView
from aref.errors import InvalidInputError
from aref.events import Event
from aref.records import json_ready

MAX_LIMIT = 1000


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError("limit", f"must be an integer between 1 and {MAX_LIMIT}, got {limit!r}")
    return limit


def timeline_view(matched: Sequence[Event], *, limit: int, retained: int) -> TimelineView:
    """``matched``: every event that passed the filter, newest first."""
    return {
        "events": [event_view(e) for e in matched[: check_limit(limit)]],
        "matched": len(matched),
        "retained": retained,
        "summary": {
            "by_category": dict(Counter(e.category.value for e in matched)),
            "by_severity": dict(Counter(e.severity.value for e in matched)),
            "by_source": dict(Counter(e.source for e in matched)),
        },
    }


def event_view(event: Event) -> EventView:
    return {
        "id": event.id,
        "topic": event.topic,
        "category": event.category.value,
        "type": event.type,
        "severity": event.severity.value,
        "source": event.source,
        "timestamp": event.timestamp,
        "correlation_id": event.correlation_id,
        "payload": json_ready(event.payload),
    }
