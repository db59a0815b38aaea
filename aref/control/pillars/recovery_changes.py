"""The control changes recovery made (flag, traffic weights, replica target), kept for rollback.

Each change holds the value before and after; ``last`` is the newest change not undone yet.
Every change is also written to the store (collection ``recovery_changes``). Memory keeps the
newest ``MAX_KEPT``: past that, undone changes go first, oldest first, then the oldest of any.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from aref.records import to_record
from aref.store import Store

CHANGES = "recovery_changes"
MAX_KEPT = 500


@dataclass(frozen=True)
class ControlChange:
    """One control change recovery made: ``kind`` flag|weights|scale, ``target`` the flag or service."""

    id: str
    at: float
    recovery_id: str
    kind: str
    target: str
    before: Any
    after: Any
    undone: bool = False


class ChangeJournal:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.changes: list[ControlChange] = []

    def add(self, change: ControlChange) -> None:
        self.changes.append(change)
        self._store.put(CHANGES, change.id, to_record(change))
        while len(self.changes) > MAX_KEPT:
            self.changes.remove(next((c for c in self.changes if c.undone), self.changes[0]))

    def last(self) -> ControlChange | None:
        return next((c for c in reversed(self.changes) if not c.undone), None)

    def undone(self, change: ControlChange) -> None:
        done = dataclasses.replace(change, undone=True)
        self.changes[self.changes.index(change)] = done
        self._store.put(CHANGES, change.id, to_record(done))
