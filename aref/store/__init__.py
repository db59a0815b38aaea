"""Durable records: a ``Store`` protocol with SQLite (default) and in-memory implementations."""

from aref.store.memory import MemoryStore
from aref.store.protocol import Collection, Store
from aref.store.repository import Repository

__all__ = ["Collection", "MemoryStore", "Repository", "Store"]
