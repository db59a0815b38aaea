from __future__ import annotations

import pytest

from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.evolution.knowledge import KnowledgeBase, KnowledgeEntry
from aref.store import Collection
from aref.testing import MemoryStore

from .builders import T0


def entry(
    entry_id: str,
    *,
    service: str = "payments",
    signature: str = "payments:error_rate:error",
    title: str = "Payments provider outage",
    lesson: str = "Breaker opened early; backup provider took over",
    tags: tuple[str, ...] = (),
    at: float = T0,
) -> KnowledgeEntry:
    return KnowledgeEntry(entry_id, f"INC-{entry_id}", service, signature, title, lesson, tags, at)


def test_add_normalises_service_tags_and_signature() -> None:
    kb = KnowledgeBase(MemoryStore())
    stored = kb.add(
        entry("1", service=" Payments ", signature="Payments/Error Rate/Error", tags=("Absorption", "", "absorption "))
    )
    assert stored.service == "payments"
    assert stored.fault_signature == "payments:error_rate:error"
    assert stored.tags == ("absorption",)
    assert kb.get("1") == stored


def test_ids_are_unique_and_unknown_ids_are_not_found() -> None:
    kb = KnowledgeBase(MemoryStore())
    kb.add(entry("1"))
    with pytest.raises(ConflictError):
        kb.add(entry("1", title="again"))
    with pytest.raises(NotFoundError):
        kb.get("nope")
    assert kb.find("nope") is None
    assert len(kb) == 1


@pytest.mark.parametrize("field", ["id", "service", "title", "lesson"])
def test_an_entry_needs_its_text_fields(field: str) -> None:
    values = {"id": "1", "service": "payments", "title": "t", "lesson": "l"} | {field: "  "}
    with pytest.raises(InvalidInputError) as caught:
        KnowledgeEntry(values["id"], "INC-1", values["service"], "", values["title"], values["lesson"], (), T0)
    assert caught.value.field == field


def test_lookup_by_service_and_by_signature() -> None:
    kb = KnowledgeBase(MemoryStore())
    kb.add(entry("1"))
    kb.add(entry("2", service="orders", signature="orders:latency_p99:slow"))
    kb.add(entry("3", signature="payments:latency_p99:slow"))
    assert [e.id for e in kb.by_service("PAYMENTS")] == ["1", "3"]
    assert [e.id for e in kb.by_signature("Payments:Error_Rate:Error")] == ["1"]
    assert kb.by_service("gateway") == []


def test_search_ranks_by_matching_words_then_newest() -> None:
    kb = KnowledgeBase(MemoryStore())
    kb.add(entry("old", title="Breaker opened on payments", lesson="backup provider helped", at=T0))
    kb.add(entry("new", title="Breaker opened on payments", lesson="backup provider helped", at=T0 + 10))
    kb.add(entry("one", service="orders", signature="orders:latency:slow", title="Slow orders", lesson="scale out"))
    kb.add(entry("tag", service="inventory", signature="inventory:x:y", title="Cache", lesson="warm", tags=("backup",)))
    assert [e.id for e in kb.search("backup provider")] == ["new", "old", "tag"]
    assert [e.id for e in kb.search("ORDERS scale")] == ["one"]
    assert [e.id for e in kb.search("backup provider", limit=1)] == ["new"]
    assert kb.search("unrelated") == []


def test_search_needs_words_and_a_positive_limit() -> None:
    kb = KnowledgeBase(MemoryStore())
    with pytest.raises(InvalidInputError) as caught:
        kb.search(" ?! ")
    assert caught.value.field == "query"
    with pytest.raises(InvalidInputError) as caught:
        kb.search("payments", limit=0)
    assert caught.value.field == "limit"


def test_entries_live_in_the_store() -> None:
    store = MemoryStore()
    KnowledgeBase(store).add(entry("1"))
    assert [r["id"] for r in store.list(Collection.KNOWLEDGE)] == ["1"]
    assert KnowledgeBase(store).get("1").title == "Payments provider outage"
