"""``write_many``: puts in order, then deletes, all or nothing (MemoryStore and SqliteStore alike)."""

from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from aref.store import Collection, Store


def test_puts_keep_their_order_and_an_upsert_keeps_its_place(store: Store) -> None:
    store.put(Collection.EVENTS, "b", {"v": 0})
    store.write_many(Collection.EVENTS, {"a": {"v": 1}, "b": {"v": 2}, "c": {"v": 3}})
    assert store.list(Collection.EVENTS) == [{"v": 2}, {"v": 1}, {"v": 3}]


def test_deletes_run_after_the_puts_and_may_name_what_was_just_put(store: Store) -> None:
    store.write_many(Collection.EVENTS, {"old": {"v": 0}})
    store.write_many(Collection.EVENTS, {"new": {"v": 1}, "gone": {"v": 2}}, ["old", "gone", "never-there"])
    assert store.list(Collection.EVENTS) == [{"v": 1}]


def test_a_bad_record_changes_nothing(store: Store) -> None:
    store.put(Collection.EVENTS, "keep", {"v": 0})
    with pytest.raises(InvalidInputError):
        store.write_many(Collection.EVENTS, {"fine": {"v": 1}, "bad": {"v": object()}}, ["keep"])
    with pytest.raises(InvalidInputError):
        store.write_many(Collection.EVENTS, {"fine": {"v": 1}, "": {"v": 2}}, ["keep"])
    assert store.list(Collection.EVENTS) == [{"v": 0}]


def test_nothing_to_write_is_harmless(store: Store) -> None:
    store.write_many(Collection.EVENTS, {}, [])
    assert store.list(Collection.EVENTS) == []
