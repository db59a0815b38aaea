"""Experiment run records in the store: saved by id, listed newest first.

Shared by ``LocalControlPlane`` and the chaos actor, so both answer alike. A record is any JSON
object with a non-empty string ``id`` (the runner's ``RunRecord.to_dict()``); saving an id again
replaces the record and keeps its place. The store keeps first-insertion order, so newest first
is that order reversed. Records go back out through ``json_ready`` (no NaN on the wire).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aref.control.timeline_view import check_limit
from aref.errors import InvalidInputError
from aref.records import json_ready
from aref.store import Collection, Store

DEFAULT_LIMIT = 50


def run_id(record: Mapping[str, Any]) -> str:
    """The record's ``id``; anything but a non-empty string is refused, naming ``id``."""
    if not isinstance(record, Mapping):
        raise InvalidInputError("body", f"a run record must be a JSON object, got {type(record).__name__}")
    key = record.get("id")
    if not isinstance(key, str) or not key.strip():
        raise InvalidInputError("id", f"a run record needs a non-empty string id, got {key!r}")
    return key


def save_run(store: Store, record: Mapping[str, Any]) -> dict[str, Any]:
    """Store ``record`` under its id (an upsert); returns ``{"id": ...}``."""
    key = run_id(record)
    store.put(Collection.EXPERIMENT_RUNS, key, dict(record))
    return {"id": key}


def newest_runs(store: Store, limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """At most ``limit`` (1..1000) records, the most recently first stored first."""
    check_limit(limit)
    records = store.list(Collection.EXPERIMENT_RUNS)
    return [dict(json_ready(r)) for r in reversed(records[-limit:])]
