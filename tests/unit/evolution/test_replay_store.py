"""FocusedStore: lists only the reviews (and incidents) in focus, slimmed; everything else is the store's."""

from __future__ import annotations

from typing import Any

from aref.evolution.replay_store import FocusedStore
from aref.store import Collection, MemoryStore


def review(rid: str, incident_id: str, signature: str) -> dict[str, Any]:
    return {
        "id": rid,
        "incident_id": incident_id,
        "fault_signature": signature,
        "timeline": [{"at": 1.0, "kind": "onset", "detail": "x"}],
        "lessons": ["a lesson"],
        "recurrence_of": ["INC-0"],
    }


def incident(iid: str) -> dict[str, Any]:
    return {"id": iid, "title": iid, "timeline": [{"at": 1.0, "kind": "seeded", "detail": "x"}]}


def test_listing_reviews_and_incidents_shows_only_the_focus_without_long_fields() -> None:
    store = MemoryStore()
    store.put(Collection.REVIEWS, "PIR-1", review("PIR-1", "INC-1", "payments:error_rate:error"))
    store.put(Collection.INCIDENTS, "INC-1", incident("INC-1"))
    store.put(Collection.INCIDENTS, "INC-9", incident("INC-9"))  # never reviewed
    view = FocusedStore(store)
    view.put(Collection.REVIEWS, "PIR-2", review("PIR-2", "INC-2", "orders:latency_p99:persistent"))
    view.put(Collection.INCIDENTS, "INC-2", incident("INC-2"))
    view.focus_on("Payments:Error Rate:error")  # normalised like every signature
    assert view.list(Collection.REVIEWS) == [
        {**review("PIR-1", "INC-1", "payments:error_rate:error"), "timeline": [], "lessons": []}
    ]
    assert view.list(Collection.INCIDENTS) == [{**incident("INC-1"), "timeline": []}]
    view.focus_on("orders:latency_p99:persistent")
    assert [r["id"] for r in view.list(Collection.REVIEWS)] == ["PIR-2"]
    assert [r["id"] for r in view.list("incidents", where={"title": "INC-2"}, limit=1)] == ["INC-2"]
    view.focus_on("inventory:errors:crash")
    assert view.list(Collection.REVIEWS) == view.list(Collection.INCIDENTS) == []


def test_writes_and_single_reads_are_the_stores_in_full() -> None:
    store = MemoryStore()
    view = FocusedStore(store)
    view.put(Collection.REVIEWS, "PIR-1", review("PIR-1", "INC-1", "a:b:c"))
    assert (
        store.get(Collection.REVIEWS, "PIR-1")
        == view.get(Collection.REVIEWS, "PIR-1")
        == review("PIR-1", "INC-1", "a:b:c")
    )
    view.put(Collection.ACTION_ITEMS, "ACT-1", {"id": "ACT-1", "incident_id": "INC-1"})
    assert view.list(Collection.ACTION_ITEMS, where={"incident_id": "INC-1"}) == [
        {"id": "ACT-1", "incident_id": "INC-1"}
    ]
    changed = view.update(Collection.REVIEWS, "PIR-1", lambda r: {**(r or {}), "fault_signature": "x:y:z"})
    assert changed is not None
    assert store.get(Collection.REVIEWS, "PIR-1") == changed
    view.focus_on("x:y:z")
    assert [r["id"] for r in view.list(Collection.REVIEWS)] == ["PIR-1"]
    assert view.delete(Collection.REVIEWS, "PIR-1") is True
    assert view.list(Collection.REVIEWS) == []
    assert store.get(Collection.REVIEWS, "PIR-1") is None
    view.close()
    assert store.list(Collection.ACTION_ITEMS) == [{"id": "ACT-1", "incident_id": "INC-1"}]
