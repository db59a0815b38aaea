"""Store.update: atomic read-modify-write, on both stores (contract) and across SQLite connections."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from aref.errors import InvalidInputError
from aref.store import Store
from aref.store.sqlite import SqliteStore


def take_one(record: dict[str, Any] | None) -> dict[str, Any]:
    stock = 0 if record is None else record["stock"]
    if stock <= 0:
        raise ValueError("out of stock")
    return {"stock": stock - 1}


def test_update_creates_changes_and_keeps(store: Store) -> None:
    assert store.update("stock", "sku-1", lambda r: {"stock": 3} if r is None else None) == {"stock": 3}
    assert store.update("stock", "sku-1", take_one) == {"stock": 2}
    assert store.update("stock", "sku-1", lambda r: None) == {"stock": 2}
    assert store.update("stock", "missing", lambda r: None) is None
    assert store.get("stock", "missing") is None


def test_an_exception_in_change_aborts_without_writing(store: Store) -> None:
    store.put("stock", "sku-1", {"stock": 0})
    with pytest.raises(ValueError, match="out of stock"):
        store.update("stock", "sku-1", take_one)
    assert store.get("stock", "sku-1") == {"stock": 0}


def test_update_refuses_an_empty_key(store: Store) -> None:
    with pytest.raises(InvalidInputError):
        store.update("stock", "", lambda r: {"a": 1})


def test_concurrent_updates_through_two_connections_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    first, second = SqliteStore(path), SqliteStore(path)
    first.put("stock", "sku-1", {"stock": 200})

    def drain(s: SqliteStore) -> None:
        for _ in range(100):
            s.update("stock", "sku-1", take_one)

    threads = [threading.Thread(target=drain, args=(s,)) for s in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert first.get("stock", "sku-1") == {"stock": 0}
    first.close()
    second.close()
