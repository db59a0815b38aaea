"""open_store (aref/store/factory.py): the settings' store kind picks the implementation."""

from __future__ import annotations

from pathlib import Path

import pytest

from aref.errors import InvalidInputError
from aref.store import Collection, MemoryStore, SqliteStore, open_store
from aref.store.factory import STORE_FILE


def test_sqlite_lives_in_a_file_under_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "dir"
    store = open_store("sqlite", data_dir)
    assert isinstance(store, SqliteStore)
    store.put(Collection.INCIDENTS, "INC-1", {"a": 1})
    store.close()
    assert STORE_FILE == "aref.sqlite3"
    reopened = open_store("sqlite", data_dir)
    assert reopened.get(Collection.INCIDENTS, "INC-1") == {"a": 1}
    reopened.close()
    assert sorted(p.name for p in data_dir.iterdir() if p.suffix == ".sqlite3") == ["aref.sqlite3"]


def test_memory_writes_nothing(tmp_path: Path) -> None:
    store = open_store("memory", tmp_path / "unused")
    assert isinstance(store, MemoryStore)
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize("kind", ["postgres", "", "SQLITE", " memory"])
def test_an_unknown_kind_is_refused(tmp_path: Path, kind: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        open_store(kind, tmp_path)
    assert err.value.field == "store"
    assert list(tmp_path.iterdir()) == []
