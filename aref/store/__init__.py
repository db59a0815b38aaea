"""Durable records: a ``Store`` protocol with SQLite (default) and in-memory implementations."""

from aref.store.factory import open_store
from aref.store.memory import MemoryStore
from aref.store.protocol import Collection, Store
from aref.store.repository import Repository
from aref.store.sqlite import SqliteStore

__all__ = ["Collection", "MemoryStore", "Repository", "SqliteStore", "Store", "open_store"]
