"""The Store contract (aref/store/protocol.py), run against MemoryStore and SqliteStore alike."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from aref.errors import InvalidInputError
from aref.models import IncidentStatus, RecoveryTier
from aref.store import Collection, Store

MISSING = object()


def keys(records: list[dict[str, Any]]) -> list[str]:
    return [r["k"] for r in records]


def put_all(store: Store, *names: str, collection: Collection = Collection.REVIEWS) -> None:
    for n in names:
        store.put(collection, n, {"k": n})


def test_get_returns_what_was_put(store: Store) -> None:
    record = {"title": "db down", "count": 3, "ratio": 0.25, "open": True, "owner": None, "tags": ["a", "b"]}
    store.put(Collection.INCIDENTS, "INC-1", record)
    assert store.get(Collection.INCIDENTS, "INC-1") == record


def test_get_unknown_key_or_collection_is_none(store: Store) -> None:
    store.put(Collection.INCIDENTS, "INC-1", {"a": 1})
    assert store.get(Collection.INCIDENTS, "INC-2") is None
    assert store.get("never_used", "INC-1") is None


def test_an_enum_collection_and_its_name_are_the_same_collection(store: Store) -> None:
    store.put(Collection.ACTION_ITEMS, "A-1", {"a": 1})
    assert store.get("action_items", "A-1") == {"a": 1}


def test_put_upserts_and_keeps_first_insertion_order(store: Store) -> None:
    put_all(store, "c", "a", "b")
    store.put(Collection.REVIEWS, "c", {"k": "c", "version": 2})
    assert keys(store.list(Collection.REVIEWS)) == ["c", "a", "b"]
    assert store.get(Collection.REVIEWS, "c") == {"k": "c", "version": 2}


def test_a_deleted_then_stored_again_record_goes_last(store: Store) -> None:
    put_all(store, "a", "b", "c")
    assert store.delete(Collection.REVIEWS, "a") is True
    put_all(store, "a")
    assert keys(store.list(Collection.REVIEWS)) == ["b", "c", "a"]


def test_list_of_an_empty_collection_is_empty(store: Store) -> None:
    assert store.list(Collection.PATTERNS) == []
    assert store.list(Collection.PATTERNS, where={"a": 1}, limit=3) == []


@pytest.mark.parametrize(("limit", "expected"), [(None, 4), (0, 0), (1, 1), (3, 3), (4, 4), (10, 4)])
def test_limit_keeps_the_first_records(store: Store, limit: int | None, expected: int) -> None:
    put_all(store, "a", "b", "c", "d")
    assert keys(store.list(Collection.REVIEWS, limit=limit)) == ["a", "b", "c", "d"][:expected]


def test_a_negative_limit_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInputError) as err:
        store.list(Collection.REVIEWS, limit=-1)
    assert err.value.field == "limit"


def test_where_combines_fields_and_limit_applies_after_filtering(store: Store) -> None:
    rows = [
        ("1", "api", "open"),
        ("2", "db", "open"),
        ("3", "api", "closed"),
        ("4", "api", "open"),
        ("5", "api", "open"),
    ]
    for key, service, status in rows:
        store.put(Collection.INCIDENTS, key, {"k": key, "service": service, "status": status})
    where = {"service": "api", "status": "open"}
    assert keys(store.list(Collection.INCIDENTS, where=where)) == ["1", "4", "5"]
    assert keys(store.list(Collection.INCIDENTS, where=where, limit=2)) == ["1", "4"]
    assert keys(store.list(Collection.INCIDENTS, where={})) == ["1", "2", "3", "4", "5"]
    assert store.list(Collection.INCIDENTS, where={"service": "web"}) == []


def check_where(store: Store, stored: Any, wanted: Any, matches: bool, field: str = "f") -> None:
    # the table is MemoryStore's semantics: a missing field reads as None, then Python ==
    assert matches == ((None if stored is MISSING else stored) == wanted), "case table contradicts Python =="
    store.put(Collection.KNOWLEDGE, "target", {} if stored is MISSING else {field: stored})
    store.put(Collection.KNOWLEDGE, "other", {field: "something else entirely"})
    found = store.list(Collection.KNOWLEDGE, where={field: wanted})
    assert len(found) == (1 if matches else 0)
    if matches:
        assert found[0] == store.get(Collection.KNOWLEDGE, "target")


@pytest.mark.parametrize(
    ("stored", "wanted", "matches"),
    [
        ("api", "api", True),
        ("api", "API", False),
        ("", "", True),
        ("1", 1, False),
        ("true", True, False),
        ("null", None, False),
        ("x\x00y", "x\x00y", True),
        ("x\x00y", "x", False),
        ("héllo 😀", "héllo 😀", True),
        ("\ud800", "\ud800", True),
        ({"y": 1}, '{"y":1}', False),
        (["a"], '["a"]', False),
        ("detected", IncidentStatus.DETECTED, True),
    ],
)
def test_where_on_strings(store: Store, stored: Any, wanted: Any, matches: bool) -> None:
    check_where(store, stored, wanted, matches)


@pytest.mark.parametrize(
    ("stored", "wanted", "matches"),
    [
        (7, 7, True),
        (7, 8, False),
        (-3, -3, True),
        (1, 1.0, True),
        (1, True, True),
        (0, False, True),
        (2, True, False),
        (1, "1", False),
        (0, None, False),
        (2**62, 2**62, True),
        (2**70, 2**70, True),
        (2**70 + 1, 2**70, False),
        (2, RecoveryTier.T2, True),
    ],
)
def test_where_on_integers(store: Store, stored: Any, wanted: Any, matches: bool) -> None:
    check_where(store, stored, wanted, matches)


@pytest.mark.parametrize(
    ("stored", "wanted", "matches"),
    [
        (1.5, 1.5, True),
        (0.1, 0.1, True),
        (0.1 + 0.2, 0.3, False),
        (2.0, 2, True),
        (1.0, True, True),
        (-0.0, 0, True),
        (1e-300, 1e-300, True),
        (math.inf, math.inf, True),
        (-math.inf, math.inf, False),
        (math.nan, math.nan, False),
        (0.5, "0.5", False),
    ],
)
def test_where_on_floats(store: Store, stored: Any, wanted: Any, matches: bool) -> None:
    check_where(store, stored, wanted, matches)


@pytest.mark.parametrize(
    ("stored", "wanted", "matches"),
    [
        (True, True, True),
        (False, False, True),
        (True, False, False),
        (True, 1, True),
        (False, 0.0, True),
        (False, None, False),
        (True, "true", False),
        (MISSING, False, False),
    ],
)
def test_where_on_booleans(store: Store, stored: Any, wanted: Any, matches: bool) -> None:
    check_where(store, stored, wanted, matches)


@pytest.mark.parametrize(
    ("stored", "wanted", "matches"),
    [
        (None, None, True),
        (MISSING, None, True),
        (0, None, False),
        ("", None, False),
        (False, None, False),
        ([], None, False),
        ({}, None, False),
    ],
)
def test_where_on_none(store: Store, stored: Any, wanted: Any, matches: bool) -> None:
    check_where(store, stored, wanted, matches)


@pytest.mark.parametrize(
    ("stored", "wanted", "matches"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["b", "a"], False),
        ({"x": 1, "y": 2}, {"y": 2, "x": 1}, True),
        ({"x": 1}, {"x": 1.0}, True),
    ],
)
def test_where_on_lists_and_objects(store: Store, stored: Any, wanted: Any, matches: bool) -> None:
    check_where(store, stored, wanted, matches)


@pytest.mark.parametrize("field", ["a.b", "with space", 'quo"te', "ключ", "$", "[0]"])
def test_where_on_any_field_name(store: Store, field: str) -> None:
    check_where(store, "v", "v", True, field=field)
    store.put(Collection.KNOWLEDGE, "target", {"a": {"b": "v"}})
    assert store.list(Collection.KNOWLEDGE, where={field: "v"}) == []


def test_records_with_non_finite_numbers_do_not_break_filtering(store: Store) -> None:
    store.put(Collection.EXPERIMENT_RUNS, "r1", {"k": "r1", "verdict": "pass", "mttd": math.nan})
    store.put(Collection.EXPERIMENT_RUNS, "r2", {"k": "r2", "verdict": "fail", "mttd": math.inf})
    store.put(Collection.EXPERIMENT_RUNS, "r3", {"k": "r3", "verdict": "pass", "mttd": 4.0})
    passed = store.list(Collection.EXPERIMENT_RUNS, where={"verdict": "pass"})
    assert keys(passed) == ["r1", "r3"]
    assert math.isnan(passed[0]["mttd"])
    assert keys(store.list(Collection.EXPERIMENT_RUNS, where={"mttd": math.inf})) == ["r2"]


@pytest.mark.parametrize("name", ["", "Incidents", "1st", "a-b", "a b", "x" * 64, "drop;table"])
def test_an_invalid_collection_name_is_refused_everywhere(store: Store, name: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: store.put(name, "k", {}),
        lambda: store.get(name, "k"),
        lambda: store.list(name),
        lambda: store.delete(name, "k"),
    ]
    for call in calls:
        with pytest.raises(InvalidInputError) as err:
            call()
        assert err.value.field == "collection"


def test_the_longest_valid_collection_name_is_accepted(store: Store) -> None:
    store.put("x" * 63, "k", {"a": 1})
    assert store.get("x" * 63, "k") == {"a": 1}


def test_an_empty_key_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInputError) as err:
        store.put(Collection.INCIDENTS, "", {"a": 1})
    assert err.value.field == "key"
    assert store.list(Collection.INCIDENTS) == []


def circular() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    return loop


@pytest.mark.parametrize(
    "record",
    [{"a": object()}, {"a": {1, 2}}, {"a": b"bytes"}, {(1, 2): "tuple key"}, circular()],
    ids=["object", "set", "bytes", "tuple-key", "circular"],
)
def test_a_record_that_is_not_json_is_refused(store: Store, record: dict[Any, Any]) -> None:
    with pytest.raises(InvalidInputError) as err:
        store.put(Collection.INCIDENTS, "INC-1", record)
    assert err.value.field == "record"
    assert store.get(Collection.INCIDENTS, "INC-1") is None


def test_records_are_normalised_the_way_json_does(store: Store) -> None:
    store.put(Collection.PATTERNS, "p", {"pair": (1, 2), "by_id": {3: "x"}, "big": 2**70, "neg_zero": -0.0})
    got = store.get(Collection.PATTERNS, "p")
    assert got == {"pair": [1, 2], "by_id": {"3": "x"}, "big": 2**70, "neg_zero": -0.0}
    assert got is not None
    assert math.copysign(1.0, got["neg_zero"]) == -1.0


def test_collections_are_isolated(store: Store) -> None:
    store.put(Collection.INCIDENTS, "same", {"from": "incidents"})
    store.put(Collection.REVIEWS, "same", {"from": "reviews"})
    assert store.get(Collection.INCIDENTS, "same") == {"from": "incidents"}
    assert store.list(Collection.REVIEWS) == [{"from": "reviews"}]
    assert store.delete(Collection.INCIDENTS, "same") is True
    assert store.get(Collection.INCIDENTS, "same") is None
    assert store.get(Collection.REVIEWS, "same") == {"from": "reviews"}


def test_delete_reports_whether_a_record_was_removed(store: Store) -> None:
    put_all(store, "a", "b")
    assert store.delete(Collection.REVIEWS, "a") is True
    assert store.delete(Collection.REVIEWS, "a") is False
    assert store.delete(Collection.REVIEWS, "") is False
    assert store.delete("never_used", "a") is False
    assert keys(store.list(Collection.REVIEWS)) == ["b"]


def test_returned_and_given_records_are_copies(store: Store) -> None:
    given: dict[str, Any] = {"tags": ["a"], "nested": {"n": 1}}
    store.put(Collection.KNOWLEDGE, "k", given)
    given["tags"].append("from-caller")
    got = store.get(Collection.KNOWLEDGE, "k")
    assert got is not None
    got["tags"].append("from-get")
    got["nested"]["n"] = 99
    listed = store.list(Collection.KNOWLEDGE)
    listed[0]["tags"].clear()
    listed.clear()
    assert store.get(Collection.KNOWLEDGE, "k") == {"tags": ["a"], "nested": {"n": 1}}
    assert store.list(Collection.KNOWLEDGE, where={"tags": ["a"]}) == [{"tags": ["a"], "nested": {"n": 1}}]
