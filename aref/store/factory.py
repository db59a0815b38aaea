"""Choose the store named in the settings: ``sqlite`` (durable, under ``data_dir``) or ``memory``."""

from __future__ import annotations

from pathlib import Path

from aref.clock import Clock
from aref.errors import InvalidInputError
from aref.store.memory import MemoryStore
from aref.store.protocol import Store
from aref.store.sqlite import SqliteStore

STORE_FILE = "aref.sqlite3"
STORE_KINDS = ("sqlite", "memory")


def open_store(kind: str, data_dir: Path, *, clock: Clock | None = None) -> Store:
    """Open a ``kind`` store; the SQLite file is ``data_dir / STORE_FILE``."""
    if kind == "sqlite":
        return SqliteStore(Path(data_dir) / STORE_FILE, clock=clock)
    if kind == "memory":
        return MemoryStore()
    raise InvalidInputError("store", f"unknown store kind {kind!r}; expected one of {', '.join(STORE_KINDS)}")
