"""SqliteStore (aref/store/sqlite.py): what survives a reopen, what a bad file does, WAL, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from aref.errors import StoreError
from aref.models import (
    ActionItem,
    AnomalyClass,
    DetectionClass,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    Pillar,
    Priority,
    RecoveryTier,
)
from aref.store import Collection, Repository, SqliteStore
from aref.store.sqlite import SCHEMA_VERSION
from aref.testing import FakeClock


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "aref.sqlite3"


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def incident() -> Incident:
    opened = Incident(
        id="INC-1",
        title="payments latency",
        service="payments",
        severity=IncidentSeverity.SEV2,
        onset_at=100.0,
        correlation_id="corr-1",
        detected_at=130.0,
        detection_class=DetectionClass.SLO_BURN,
        anomaly_class=AnomalyClass.ESCALATING,
        recovery_tier=RecoveryTier.T1,
        fault_signature="latency:payments",
    )
    return opened.advance(IncidentStatus.ABSORBING, 140.0, "breaker opened").advance(IncidentStatus.RESOLVED, 400.0)


def test_incidents_and_action_items_survive_a_reopen(path: Path) -> None:
    store = SqliteStore(path)
    Repository(store, Collection.INCIDENTS, Incident).save(incident())
    actions = Repository(store, Collection.ACTION_ITEMS, ActionItem)
    done = ActionItem("A-1", "INC-1", "add retry budget", Pillar.ABSORPTION, 500.0, priority=Priority.HIGH)
    actions.save(done.complete(900.0))
    actions.save(ActionItem("A-2", "INC-1", "page on burn rate", Pillar.DETECTION, 510.0, due_at=9000.0))
    store.close()

    reopened = SqliteStore(path)
    restored = Repository(reopened, Collection.INCIDENTS, Incident).require("INC-1")
    assert restored == incident()
    assert [e.kind for e in restored.timeline] == ["absorbing", "resolved"]
    assert restored.time_to_detect == 30.0
    assert restored.time_to_resolve == 300.0
    items = Repository(reopened, Collection.ACTION_ITEMS, ActionItem).all()
    assert items == [
        done.complete(900.0),
        ActionItem("A-2", "INC-1", "page on burn rate", Pillar.DETECTION, 510.0, due_at=9000.0),
    ]
    reopened.close()


@pytest.mark.parametrize("collection", [Collection.REVIEWS, Collection.KNOWLEDGE, Collection.EXPERIMENT_RUNS])
def test_plain_records_keep_content_and_order_across_reopens(path: Path, collection: Collection) -> None:
    store = SqliteStore(path)
    for n in ("c", "a", "b"):
        store.put(collection, n, {"k": n, "body": {"steps": [1, 2], "ok": True, "note": None}})
    store.delete(collection, "a")
    store.close()

    store = SqliteStore(path)
    assert [r["k"] for r in store.list(collection)] == ["c", "b"]
    store.put(collection, "c", {"k": "c", "version": 2})
    store.put(collection, "a", {"k": "a"})
    store.close()

    store = SqliteStore(path)
    assert [r["k"] for r in store.list(collection)] == ["c", "b", "a"]
    assert store.get(collection, "c") == {"k": "c", "version": 2}
    assert store.get(collection, "b") == {"k": "b", "body": {"steps": [1, 2], "ok": True, "note": None}}
    store.close()


def test_parent_directories_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c" / "aref.sqlite3"
    SqliteStore(target).close()
    assert target.is_file()


def test_the_file_uses_wal_and_records_its_schema_version(path: Path) -> None:
    SqliteStore(path).close()
    with raw(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(records)")]
    assert columns == ["collection", "key", "seq", "body", "updated_at"]


def test_a_file_from_a_newer_schema_is_refused(path: Path) -> None:
    SqliteStore(path).close()
    with raw(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(path)


def test_a_file_that_is_not_a_database_is_a_store_error(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        SqliteStore(path)


@pytest.mark.parametrize(
    ("body", "message"), [("{not json", "not JSON"), ("[1, 2]", "not an object"), ("", "not JSON")]
)
def test_a_corrupt_row_is_a_store_error(path: Path, body: str, message: str) -> None:
    store = SqliteStore(path)
    store.put(Collection.REVIEWS, "good", {"ok": 1})
    store.put(Collection.REVIEWS, "bad", {"ok": 1})
    with raw(path) as conn:
        conn.execute("UPDATE records SET body = ? WHERE key = 'bad'", (body,))
    assert store.get(Collection.REVIEWS, "good") == {"ok": 1}
    with pytest.raises(StoreError, match=message):
        store.get(Collection.REVIEWS, "bad")
    with pytest.raises(StoreError, match="reviews/bad"):
        store.list(Collection.REVIEWS)
    with pytest.raises(StoreError):
        store.list(Collection.REVIEWS, where={"ok": 1})
    assert store.list(Collection.REVIEWS, limit=1) == [{"ok": 1}]
    store.close()


def test_a_stored_record_of_the_wrong_shape_is_a_store_error(path: Path) -> None:
    store = SqliteStore(path)
    store.put(Collection.INCIDENTS, "INC-9", {"id": "INC-9", "title": "x", "service": "api", "severity": "sev9"})
    with pytest.raises(StoreError, match="severity"):
        Repository(store, Collection.INCIDENTS, Incident).find("INC-9")
    store.close()


def test_a_closed_store_refuses_work_and_closes_twice_quietly(path: Path) -> None:
    store = SqliteStore(path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.get(Collection.INCIDENTS, "x")
    with pytest.raises(StoreError, match="closed"):
        store.put(Collection.INCIDENTS, "x", {})


def test_updated_at_comes_from_the_clock_and_an_upsert_keeps_seq(path: Path) -> None:
    clock = FakeClock(1000.0)
    store = SqliteStore(path, clock=clock)
    store.put(Collection.ALERTS, "a", {"v": 1})
    store.put(Collection.ALERTS, "b", {"v": 1})
    clock.advance(25.0)
    store.put(Collection.ALERTS, "a", {"v": 2})
    with raw(path) as conn:
        rows = conn.execute("SELECT key, seq, updated_at FROM records ORDER BY key").fetchall()
    assert rows == [("a", 1, 1025.0), ("b", 2, 1000.0)]
    store.close()


def test_two_stores_on_one_file_see_each_others_writes(path: Path) -> None:
    first, second = SqliteStore(path), SqliteStore(path)
    first.put(Collection.RECOVERIES, "r1", {"tier": 1})
    second.put(Collection.RECOVERIES, "r2", {"tier": 2})
    assert first.list(Collection.RECOVERIES) == [{"tier": 1}, {"tier": 2}]
    assert second.get(Collection.RECOVERIES, "r1") == {"tier": 1}
    first.close()
    second.close()


def test_threads_can_share_one_store(path: Path) -> None:
    store = SqliteStore(path)
    threads_n, per_thread = 8, 40
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def work(t: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                store.put(Collection.PATTERNS, f"{t}-{i}", {"t": t, "i": i})
                store.list(Collection.PATTERNS, where={"t": t}, limit=5)
            store.delete(Collection.PATTERNS, f"{t}-0")
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    records = store.list(Collection.PATTERNS)
    assert len(records) == threads_n * (per_thread - 1)
    for t in range(threads_n):
        assert [r["i"] for r in records if r["t"] == t] == list(range(1, per_thread))
    store.close()
