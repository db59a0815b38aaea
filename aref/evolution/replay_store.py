"""A store view for replaying history through an ``EvolutionEngine`` without rereading all of it.

While it reviews an incident, the engine lists every stored review and incident, decoding each
in full, for one purpose: finding earlier incidents with the same fault signature (recurrence
matching, by signature and onset time). Replaying N incidents that way decodes O(N²) long
records. ``FocusedStore`` answers those two listings from an index instead: only the reviews
whose signature is in focus (``focus_on``) and their incidents, with their long fields (timelines, findings,
lessons) emptied, as matching never reads them. Writes and single-record reads go to the
underlying store unchanged, so the engine stores exactly what it would store without the view.
Only for a replay: the engine's ``status`` needs every record, in full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aref.evolution.recurrence import normalise_signature
from aref.store import Collection, Store
from aref.store.protocol import collection_name

REVIEWS = Collection.REVIEWS.value
INCIDENTS = Collection.INCIDENTS.value
EMPTIED: Mapping[str, tuple[str, ...]] = {
    REVIEWS: ("timeline", "contributing_factors", "went_well", "to_improve", "action_item_ids", "lessons"),
    INCIDENTS: ("timeline",),
}


def _signature(raw: object) -> str:
    text = str(raw or "")
    return normalise_signature(text) if text.strip() else ""


class FocusedStore:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._focus = ""
        self._slim: dict[str, dict[str, dict[str, Any]]] = {REVIEWS: {}, INCIDENTS: {}}
        for name in (REVIEWS, INCIDENTS):
            for record in store.list(name):
                self._index(name, str(record.get("id", "")), record)

    def focus_on(self, signature: str) -> None:
        """List only the reviews under ``signature`` (and their incidents) from now on."""
        self._focus = _signature(signature)

    def put(self, collection: Collection | str, key: str, record: Mapping[str, Any]) -> None:
        self._store.put(collection, key, record)
        self._index(collection_name(collection), key, record)

    def get(self, collection: Collection | str, key: str) -> dict[str, Any] | None:
        return self._store.get(collection, key)

    def scan(
        self, collection: Collection | str, *, start: str = "", stop: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        return self._store.scan(collection, start=start, stop=stop, limit=limit)

    def list(
        self,
        collection: Collection | str,
        *,
        where: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        name = collection_name(collection)
        if name not in self._slim:
            return self._store.list(collection, where=where, limit=limit)
        reviews = [r for r in self._slim[REVIEWS].values() if r["_signature"] == self._focus]
        if name == REVIEWS:
            rows = reviews
        else:
            reviewed = {r.get("incident_id") for r in reviews}
            rows = [i for i in self._slim[INCIDENTS].values() if i.get("id") in reviewed]
        found = [
            {k: v for k, v in r.items() if k != "_signature"}
            for r in rows
            if all(r.get(k) == v for k, v in (where or {}).items())
        ]
        return found if limit is None else found[:limit]

    def update(
        self,
        collection: Collection | str,
        key: str,
        change: Callable[[dict[str, Any] | None], Mapping[str, Any] | None],
    ) -> dict[str, Any] | None:
        stored = self._store.update(collection, key, change)
        if stored is not None:
            self._index(collection_name(collection), key, stored)
        return stored

    def delete(self, collection: Collection | str, key: str) -> bool:
        self._slim.get(collection_name(collection), {}).pop(key, None)
        return self._store.delete(collection, key)

    def write_many(
        self, collection: Collection | str, puts: Mapping[str, Mapping[str, Any]], deletes: Iterable[str] = ()
    ) -> None:
        gone = list(deletes)
        self._store.write_many(collection, puts, gone)
        name = collection_name(collection)
        for key, record in puts.items():
            self._index(name, key, record)
        for key in gone:
            self._slim.get(name, {}).pop(key, None)

    def close(self) -> None:
        """The view does not own the store: closing it leaves the store open."""

    def _index(self, name: str, key: str, record: Mapping[str, Any]) -> None:
        if name not in self._slim:
            return
        slim = {k: ([] if k in EMPTIED[name] else v) for k, v in record.items()}
        if name == REVIEWS:
            slim["_signature"] = _signature(record.get("fault_signature"))
        self._slim[name][key] = slim
