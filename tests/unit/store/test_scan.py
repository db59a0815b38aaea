"""``Store.scan``: a key range in key order, from an index, identical on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from aref.errors import InvalidInputError
from aref.store import SqliteStore, Store


def keys_of(store: Store, **bounds: object) -> list[str]:
    return [r["k"] for r in store.scan("due", **bounds)]  # type: ignore[arg-type]


@pytest.fixture
def filled(store: Store) -> Store:
    for key in ("b|2", "a|1", "b|10", "c", "b|1", "é"):
        store.put("due", key, {"k": key})
    store.put("other", "b|1", {"k": "elsewhere"})
    return store


def test_scan_returns_the_range_in_key_order_not_insertion_order(filled: Store) -> None:
    assert keys_of(filled) == ["a|1", "b|1", "b|10", "b|2", "c", "é"]
    assert keys_of(filled, start="b|", stop="b|2") == ["b|1", "b|10"]
    assert keys_of(filled, start="b|1") == ["b|1", "b|10", "b|2", "c", "é"]


def test_scan_start_is_inclusive_and_stop_exclusive(filled: Store) -> None:
    assert keys_of(filled, start="b|2", stop="c") == ["b|2"]
    assert keys_of(filled, start="c", stop="c") == []


def test_scan_stops_at_the_limit_and_refuses_a_negative_one(filled: Store) -> None:
    assert keys_of(filled, start="b|", limit=2) == ["b|1", "b|10"]
    assert keys_of(filled, limit=0) == []
    with pytest.raises(InvalidInputError):
        filled.scan("due", limit=-1)


def test_scan_sees_updates_and_deletes(filled: Store) -> None:
    filled.delete("due", "b|10")
    filled.put("due", "b|1", {"k": "b|1", "v": 2})
    assert filled.scan("due", start="b|", stop="b|~") == [{"k": "b|1", "v": 2}, {"k": "b|2"}]


def test_scan_of_an_unknown_collection_is_empty(store: Store) -> None:
    assert store.scan("never_used") == []


def test_sqlite_answers_a_scan_by_seeking_the_primary_key(tmp_path: Path) -> None:
    """No full scan: the plan of the statement the store runs searches the (collection, key) index."""
    store = SqliteStore(tmp_path / "plan.sqlite3")
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    store.scan("due", start="a", stop="b")
    store._conn.set_trace_callback(None)
    (query,) = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    plan = " ".join(row[-1] for row in store._conn.execute(f"EXPLAIN QUERY PLAN {query}"))
    store.close()
    assert "SEARCH records USING INDEX" in plan
    assert "key>? AND key<?" in plan
    assert "TEMP B-TREE" not in plan  # the index gives the order: nothing sorted afterwards
