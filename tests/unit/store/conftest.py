"""Every store test runs against both implementations: the contract is one contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aref.store import MemoryStore, SqliteStore, Store


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "contract.sqlite3")
    yield opened
    opened.close()
