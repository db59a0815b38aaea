"""SQLite store: the durable default, one file, shared safely by the threads of one process.

One table ``records(collection, key, seq, body, updated_at)`` keyed by (collection, key); ``body``
is the record as JSON text. ``seq`` is taken once, on first insertion, so an upsert keeps a record's
place and ``list`` returns first-insertion order. ``where`` is pushed into SQL with ``json_extract``
as a pre-filter that never drops a match; every candidate is then re-checked in Python with the same
``==`` as ``MemoryStore`` (``1 == 1.0 == True``, a missing field equals ``None``), so both stores
answer identically. Every failure of SQLite or of a stored body surfaces as ``StoreError``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

from aref.clock import Clock, SystemClock
from aref.errors import InvalidInputError, StoreError
from aref.store.protocol import Collection, collection_name

SCHEMA_VERSION = 1

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS records (
        collection TEXT NOT NULL,
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (collection, key)
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS records_by_seq ON records (collection, seq)",
)

_UPSERT = """
    INSERT INTO records (collection, key, seq, body, updated_at)
    VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM records WHERE collection = ?), ?, ?)
    ON CONFLICT (collection, key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
"""

# Field names that need no quoting or escaping in a JSON path (SQLite compares path labels with
# the raw, possibly escaped, key text, so anything else is matched in Python only).
_PLAIN_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT64 = range(-(2**63), 2**63)
_NUMERIC_TYPES = "('integer', 'real', 'true', 'false')"


def _encode(record: Mapping[str, Any]) -> str:
    """The JSON text of ``record``; refuses what JSON cannot hold, exactly like ``MemoryStore``."""
    try:
        return json.dumps(dict(record))
    except (TypeError, ValueError) as exc:
        raise InvalidInputError("record", f"not JSON-serialisable: {exc}") from None


def _decode(body: Any, where: str) -> dict[str, Any]:
    try:
        record = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{where}: stored body is not JSON: {exc}") from None
    if not isinstance(record, dict):
        raise StoreError(f"{where}: stored body is a {type(record).__name__}, not an object")
    return record


def _sql_value(value: Any) -> tuple[str, Any] | None:
    """(kind, plain value) when SQL can pre-filter on ``value`` without losing a match, else None."""
    if isinstance(value, Enum) and isinstance(value, (str, int, float)):
        value = value.value  # a str/int Enum member equals its value, as in MemoryStore
    if value is None:
        return ("null", None)
    if type(value) is str:
        if "\x00" in value:  # json_extract stops at NUL
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None
        return ("text", value)
    if type(value) is bool or type(value) is float or (type(value) is int and value in _INT64):
        return ("number", value)
    return None


def _prefilter(where: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """SQL condition and parameters that keep every row the Python check could accept."""
    clauses: list[str] = []
    params: list[Any] = []
    for field, value in where.items():
        plain = _sql_value(value) if _PLAIN_FIELD.match(field) else None
        if plain is None:
            continue
        kind, bound = plain
        path = f"$.{field}"
        if kind == "null":
            clauses.append("json_extract(body, ?) IS NULL")
            params.append(path)
        elif kind == "text":
            clauses.append("(json_type(body, ?) = 'text' AND json_extract(body, ?) = ?)")
            params += [path, path, bound]
        else:
            clauses.append(f"(json_type(body, ?) IN {_NUMERIC_TYPES} AND json_extract(body, ?) = ?)")
            params += [path, path, bound]
    if not clauses:
        return "", []
    # bodies SQLite cannot parse (NaN/Infinity from json.dumps) or that are corrupt go to Python,
    # which matches the former exactly and raises StoreError on the latter
    sound = "json_valid(body) AND json_type(body) = 'object'"
    return f" AND CASE WHEN {sound} THEN ({' AND '.join(clauses)}) ELSE 1 END", params


class SqliteStore:
    """A ``Store`` in one SQLite file (WAL mode); parent directories are created on open."""

    def __init__(self, path: Path, *, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    def _migrate(self) -> None:
        with self._locked() as conn:
            conn.execute("PRAGMA busy_timeout = 5000")  # other processes (replicas) share the file
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema version {version} is newer than supported {SCHEMA_VERSION}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise StoreError(f"{self.path}: store is closed")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {exc}") from exc

    def put(self, collection: Collection | str, key: str, record: Mapping[str, Any]) -> None:
        name = collection_name(collection)
        if not key:
            raise InvalidInputError("key", "must not be empty")
        body = _encode(record)
        with self._locked() as conn:
            conn.execute(_UPSERT, (name, key, name, body, self._clock.now()))

    def get(self, collection: Collection | str, key: str) -> dict[str, Any] | None:
        name = collection_name(collection)
        with self._locked() as conn:
            row = conn.execute("SELECT body FROM records WHERE collection = ? AND key = ?", (name, key)).fetchone()
        return None if row is None else _decode(row[0], f"{name}/{key}")

    def scan(
        self, collection: Collection | str, *, start: str = "", stop: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """A range of the primary key (collection, key): SQLite seeks to ``start`` and stops at ``stop``."""
        name = collection_name(collection)
        if limit is not None and limit < 0:
            raise InvalidInputError("limit", "must be >= 0")
        sql = "SELECT key, body FROM records WHERE collection = ? AND key >= ?"
        params: list[Any] = [name, start]
        if stop is not None:
            sql += " AND key < ?"
            params.append(stop)
        sql += " ORDER BY key LIMIT ?"
        params.append(-1 if limit is None else limit)
        with self._locked() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [_decode(body, f"{name}/{key}") for key, body in rows]

    def list(
        self,
        collection: Collection | str,
        *,
        where: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        name = collection_name(collection)
        if limit is not None and limit < 0:
            raise InvalidInputError("limit", "must be >= 0")
        criteria = dict(where or {})
        condition, params = _prefilter(criteria)
        sql = f"SELECT key, body FROM records WHERE collection = ?{condition} ORDER BY seq"
        found: list[dict[str, Any]] = []
        if limit == 0:
            return found
        with self._locked() as conn:
            for key, body in conn.execute(sql, (name, *params)):
                record = _decode(body, f"{name}/{key}")
                if all(record.get(k) == v for k, v in criteria.items()):
                    found.append(record)
                    if limit is not None and len(found) >= limit:
                        break
        return found

    def update(
        self,
        collection: Collection | str,
        key: str,
        change: Callable[[dict[str, Any] | None], Mapping[str, Any] | None],
    ) -> dict[str, Any] | None:
        """Atomic read-modify-write, also across processes: ``change`` gets the current record (or None)
        and returns the new one, or None to leave it as it is. An exception in ``change`` aborts."""
        name = collection_name(collection)
        if not key:
            raise InvalidInputError("key", "must not be empty")
        with self._locked() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT body FROM records WHERE collection = ? AND key = ?", (name, key)).fetchone()
                current = None if row is None else _decode(row[0], f"{name}/{key}")
                new = change(current)
                if new is not None:
                    conn.execute(_UPSERT, (name, key, name, _encode(new), self._clock.now()))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return current if new is None else json.loads(_encode(new))

    def delete(self, collection: Collection | str, key: str) -> bool:
        name = collection_name(collection)
        with self._locked() as conn:
            removed = conn.execute("DELETE FROM records WHERE collection = ? AND key = ?", (name, key)).rowcount
        return removed > 0

    def write_many(
        self, collection: Collection | str, puts: Mapping[str, Mapping[str, Any]], deletes: Iterable[str] = ()
    ) -> None:
        name = collection_name(collection)
        if any(not key for key in puts):
            raise InvalidInputError("key", "must not be empty")
        now = self._clock.now()
        rows = [(name, key, name, _encode(record), now) for key, record in puts.items()]
        gone = [(name, key) for key in deletes]
        with self._locked() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(_UPSERT, rows)
                conn.executemany("DELETE FROM records WHERE collection = ? AND key = ?", gone)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Release the connection; later calls raise ``StoreError``. Closing twice is harmless."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()
