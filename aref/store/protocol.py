"""The store contract every implementation honours.

A store keeps JSON-compatible records in named collections, keyed by string. ``put`` is an
upsert that keeps a record's first-insertion position, so ``list`` returns records in the
order they were first stored. ``where`` matches top-level fields by equality. ``scan`` reads a key
range in key order (code point order) from an index: a collection keyed by a sortable key (a due
time first) answers "what is due" without reading the rest. ``update`` is atomic,
also between processes sharing one SQLite file (replicas keep the demo shop's state this way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, Protocol

from aref.errors import InvalidInputError


class Collection(StrEnum):
    """The collections AREF persists."""

    INCIDENTS = "incidents"
    REVIEWS = "reviews"
    ACTION_ITEMS = "action_items"
    KNOWLEDGE = "knowledge"
    EXPERIMENT_RUNS = "experiment_runs"
    ALERTS = "alerts"
    RECOVERIES = "recoveries"
    PATTERNS = "patterns"
    BREAKERS = "breakers"
    EVENTS = "events"

    @property
    def singular(self) -> str:
        """The name of one record, for messages: ``recoveries`` -> ``recovery``."""
        name = self.value.removesuffix("s")
        return name[:-2] + "y" if name.endswith("ie") else name


_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def collection_name(collection: Collection | str) -> str:
    name = collection.value if isinstance(collection, Collection) else collection
    if not _NAME.match(name):
        raise InvalidInputError("collection", f"{name!r} is not a valid collection name")
    return name


class Store(Protocol):
    def put(self, collection: Collection | str, key: str, record: Mapping[str, Any]) -> None: ...

    def get(self, collection: Collection | str, key: str) -> dict[str, Any] | None: ...

    def scan(
        self, collection: Collection | str, *, start: str = "", stop: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The records whose key ``k`` has ``start <= k < stop`` (no upper bound when ``stop`` is None),
        in key order, at most ``limit``; the cost follows what is returned, not the collection's size."""
        ...

    def list(
        self,
        collection: Collection | str,
        *,
        where: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]: ...

    def update(
        self,
        collection: Collection | str,
        key: str,
        change: Callable[[dict[str, Any] | None], Mapping[str, Any] | None],
    ) -> dict[str, Any] | None:
        """Atomic read-modify-write: ``change`` maps the current record (or None) to the new one,
        or to None to keep it; returns the record as stored afterwards."""
        ...

    def delete(self, collection: Collection | str, key: str) -> bool: ...

    def write_many(
        self, collection: Collection | str, puts: Mapping[str, Mapping[str, Any]], deletes: Iterable[str] = ()
    ) -> None:
        """``put`` every (key, record) of ``puts`` in its order, then ``delete`` every key of ``deletes``,
        all or nothing: one transaction where the store has them."""
        ...

    def close(self) -> None: ...
