"""Run records in the store: keyed by id, newest first, refused without an id."""

from __future__ import annotations

import math
from typing import Any

import pytest

from aref.control.runs import newest_runs, run_id, save_run
from aref.errors import InvalidInputError
from aref.store import Collection, MemoryStore


def test_records_are_stored_under_their_id_and_listed_newest_first() -> None:
    store = MemoryStore()
    for n in range(1, 4):
        assert save_run(store, {"id": f"RUN-{n}", "passed": n != 2}) == {"id": f"RUN-{n}"}
    assert store.get(Collection.EXPERIMENT_RUNS, "RUN-2") == {"id": "RUN-2", "passed": False}
    assert [r["id"] for r in newest_runs(store)] == ["RUN-3", "RUN-2", "RUN-1"]
    assert [r["id"] for r in newest_runs(store, 2)] == ["RUN-3", "RUN-2"]


def test_saving_an_id_again_replaces_the_record_in_its_place() -> None:
    store = MemoryStore()
    save_run(store, {"id": "RUN-1", "passed": False})
    save_run(store, {"id": "RUN-2", "passed": True})
    save_run(store, {"id": "RUN-1", "passed": True})
    assert newest_runs(store) == [{"id": "RUN-2", "passed": True}, {"id": "RUN-1", "passed": True}]


def test_non_finite_numbers_come_back_as_null() -> None:
    store = MemoryStore()
    save_run(store, {"id": "RUN-1", "mttd_s": math.nan, "nested": {"p99": math.inf}})
    assert newest_runs(store) == [{"id": "RUN-1", "mttd_s": None, "nested": {"p99": None}}]


@pytest.mark.parametrize("record", [{}, {"id": ""}, {"id": "  "}, {"id": 7}, {"id": None}])
def test_a_record_without_a_string_id_is_refused_naming_id(record: dict[str, Any]) -> None:
    store = MemoryStore()
    with pytest.raises(InvalidInputError) as caught:
        save_run(store, record)
    assert caught.value.field == "id"
    assert store.list(Collection.EXPERIMENT_RUNS) == []


def test_a_record_that_is_not_an_object_is_refused_naming_the_body() -> None:
    with pytest.raises(InvalidInputError) as caught:
        run_id(["RUN-1"])  # type: ignore[arg-type]
    assert caught.value.field == "body"


@pytest.mark.parametrize("limit", [0, 1001, True])
def test_the_limit_is_bounded(limit: int) -> None:
    with pytest.raises(InvalidInputError) as caught:
        newest_runs(MemoryStore(), limit)
    assert caught.value.field == "limit"
