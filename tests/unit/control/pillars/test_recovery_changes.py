from __future__ import annotations

import pytest

from aref.control.pillars import recovery_changes
from aref.control.pillars.recovery_changes import CHANGES, ChangeJournal, ControlChange
from aref.testing import MemoryStore


def change(n: int) -> ControlChange:
    return ControlChange(f"CHG-{n}", float(n), f"REC-{n}", "flag", "orders.analytics", True, False)


def test_memory_keeps_the_newest_and_drops_undone_changes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery_changes, "MAX_KEPT", 3)
    store = MemoryStore()
    journal = ChangeJournal(store)
    for n in range(3):
        journal.add(change(n))
    journal.undone(journal.changes[1])
    journal.add(change(3))
    assert [c.id for c in journal.changes] == ["CHG-0", "CHG-2", "CHG-3"]  # the undone one went first
    journal.add(change(4))
    assert [c.id for c in journal.changes] == ["CHG-2", "CHG-3", "CHG-4"]
    last = journal.last()
    assert last is not None
    assert last.id == "CHG-4"
    assert len(store.list(CHANGES)) == 5  # the store keeps every change
