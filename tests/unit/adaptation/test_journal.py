from __future__ import annotations

import pytest

from aref.adaptation.decision_tree import DecisionTree
from aref.adaptation.history import AlertEntry
from aref.adaptation.journal import COLLECTION, AdaptationRecord, Journal, note, of_decision
from aref.errors import InvalidInputError
from aref.models import AnomalyClass
from aref.testing import MemoryStore

from .factories import T0, signal, state


def test_keeps_the_last_records_newest_last() -> None:
    journal = Journal(size=2)
    for n in range(3):
        journal.add(note(T0 + n, "scaling", "orders", "autoscale", (f"scale to {n}",), "load"))
    assert [r.actions for r in journal.recent()] == [("scale to 1",), ("scale to 2",)]


def test_a_decision_record_carries_the_incident() -> None:
    decision = DecisionTree().decide(signal(), [AlertEntry(signal())], state, T0)
    record = of_decision(decision, ["disable payments.analytics"], "alert", "C1")
    assert record == AdaptationRecord(
        decision.id,
        T0,
        "alert",
        "payments",
        "shed_load",
        ("disable payments.analytics",),
        decision.rationale,
        AnomalyClass.TRANSIENT,
        "A1",
        "C1",
    )


def test_records_are_stored_and_the_latest_reloaded() -> None:
    store = MemoryStore()
    journal = Journal(size=2, store=store)
    for n in range(3):
        journal.add(note(T0 + n, "human", "payments", "toggle_flag", (), f"n{n}"))
    assert len(store.list(COLLECTION)) == 3
    assert [r.rationale for r in Journal(size=2, store=store).recent()] == ["n1", "n2"]


def test_size_must_be_positive() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Journal(size=0)
    assert caught.value.field == "log_size"
