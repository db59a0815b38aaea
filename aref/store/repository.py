"""Typed access to one collection: dataclass models in, dataclass models out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from aref.errors import NotFoundError
from aref.records import from_record, to_record
from aref.store.protocol import Collection, Store

T = TypeVar("T")


def _id_of(item: Any) -> str:
    return str(item.id)


class Repository(Generic[T]):
    """Stores models of type ``model`` in ``collection``, keyed by ``key_of(model)``."""

    def __init__(
        self,
        store: Store,
        collection: Collection,
        model: type[T],
        key_of: Callable[[T], str] = _id_of,
    ) -> None:
        self._store = store
        self._collection = collection
        self._model = model
        self._key_of = key_of

    def save(self, item: T) -> T:
        self._store.put(self._collection, self._key_of(item), to_record(item))
        return item

    def find(self, key: str) -> T | None:
        record = self._store.get(self._collection, key)
        return None if record is None else from_record(self._model, record)

    def require(self, key: str) -> T:
        found = self.find(key)
        if found is None:
            raise NotFoundError(self._collection.singular, key)
        return found

    def all(self, **where: Any) -> list[T]:
        return [from_record(self._model, r) for r in self._store.list(self._collection, where=where or None)]

    def delete(self, key: str) -> bool:
        return self._store.delete(self._collection, key)

    def where(self, criteria: Mapping[str, Any]) -> list[T]:
        return [from_record(self._model, r) for r in self._store.list(self._collection, where=criteria)]
