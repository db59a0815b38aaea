"""The event timeline: a bounded log of every event, filterable for the UI and the CLI.

Oldest events fall off once ``capacity`` is reached; the summary counts what is still held.
Queries return newest first.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from typing import Any, TypeVar

from aref.errors import InvalidInputError
from aref.events import Event, EventCategory, Severity

DEFAULT_CAPACITY = 10_000
E = TypeVar("E", EventCategory, Severity)


class Timeline:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise InvalidInputError("capacity", "must be >= 1")
        self._events: deque[Event] = deque(maxlen=capacity)
        self._seen: set[str] = set()

    def add(self, events: Iterable[Event]) -> int:
        """Append events not seen before (by id); returns how many were new."""
        added = 0
        for event in events:
            if event.id in self._seen:
                continue
            if len(self._events) == self._events.maxlen:
                self._seen.discard(self._events[0].id)
            self._events.append(event)
            self._seen.add(event.id)
            added += 1
        return added

    def __len__(self) -> int:
        return len(self._events)

    def query(
        self,
        *,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        topic: str | None = None,
        limit: int = 100,
    ) -> list[Event]:
        if limit < 1:
            raise InvalidInputError("limit", "must be >= 1")
        wanted_category = _parse(EventCategory, "category", category)
        wanted_severity = _parse(Severity, "severity", severity)
        found: list[Event] = []
        for event in reversed(self._events):
            if wanted_category is not None and event.category is not wanted_category:
                continue
            if wanted_severity is not None and event.severity is not wanted_severity:
                continue
            if correlation_id is not None and event.correlation_id != correlation_id:
                continue
            if topic is not None and event.topic != topic:
                continue
            found.append(event)
            if len(found) >= limit:
                break
        return found

    def summary(self) -> dict[str, Any]:
        return {
            "total": len(self._events),
            "by_category": dict(Counter(e.category.value for e in self._events)),
            "by_severity": dict(Counter(e.severity.value for e in self._events)),
            "by_source": dict(Counter(e.source for e in self._events)),
            "correlations": len({e.correlation_id for e in self._events if e.correlation_id}),
        }


def _parse(enum: type[E], field: str, value: str | None) -> E | None:
    if value is None or value == "":
        return None
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(m.value for m in enum)
        raise InvalidInputError(field, f"unknown {field} {value!r} (known: {known})") from None
