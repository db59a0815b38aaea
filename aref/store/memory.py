"""In-memory store: same contract as SQLite, nothing survives the process."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aref.errors import InvalidInputError
from aref.store.protocol import Collection, collection_name


class MemoryStore:
    def __init__(self) -> None:
        self._data: dict[str, dict[str, dict[str, Any]]] = {}

    def put(self, collection: Collection | str, key: str, record: Mapping[str, Any]) -> None:
        if not key:
            raise InvalidInputError("key", "must not be empty")
        try:
            # same constraint as the durable store: the record must be JSON-ready
            frozen = json.loads(json.dumps(dict(record)))
        except (TypeError, ValueError) as exc:
            raise InvalidInputError("record", f"not JSON-serialisable: {exc}") from None
        self._data.setdefault(collection_name(collection), {})[key] = frozen

    def get(self, collection: Collection | str, key: str) -> dict[str, Any] | None:
        found = self._data.get(collection_name(collection), {}).get(key)
        return copy.deepcopy(found) if found is not None else None

    def scan(
        self, collection: Collection | str, *, start: str = "", stop: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        if limit is not None and limit < 0:
            raise InvalidInputError("limit", "must be >= 0")
        records = self._data.get(collection_name(collection), {})
        keys = sorted(k for k in records if start <= k and (stop is None or k < stop))
        return [copy.deepcopy(records[k]) for k in keys[:limit]]

    def list(
        self,
        collection: Collection | str,
        *,
        where: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        if limit is not None and limit < 0:
            raise InvalidInputError("limit", "must be >= 0")
        rows = [
            copy.deepcopy(r)
            for r in self._data.get(collection_name(collection), {}).values()
            if all(r.get(k) == v for k, v in (where or {}).items())
        ]
        return rows if limit is None else rows[:limit]

    def update(
        self,
        collection: Collection | str,
        key: str,
        change: Callable[[dict[str, Any] | None], Mapping[str, Any] | None],
    ) -> dict[str, Any] | None:
        """Read-modify-write; ``change`` returns the new record or None to keep the current one."""
        current = self.get(collection, key)
        new = change(current)
        if new is None:
            return current
        self.put(collection, key, new)
        return self.get(collection, key)

    def delete(self, collection: Collection | str, key: str) -> bool:
        return self._data.get(collection_name(collection), {}).pop(key, None) is not None

    def write_many(
        self, collection: Collection | str, puts: Mapping[str, Mapping[str, Any]], deletes: Iterable[str] = ()
    ) -> None:
        staged = MemoryStore()
        for key, record in puts.items():  # checked before anything changes: all or nothing
            staged.put(collection, key, record)
        name = collection_name(collection)
        self._data.setdefault(name, {}).update(staged._data.get(name, {}))
        for key in deletes:
            self.delete(collection, key)

    def close(self) -> None:
        """Nothing to release."""
