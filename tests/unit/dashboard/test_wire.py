"""json_ready: the wire rule (plain JSON data, finite numbers only)."""

from __future__ import annotations

import json
import math
from enum import StrEnum

from aref.records import json_ready


class Colour(StrEnum):
    RED = "red"


class Weird:
    def __str__(self) -> str:
        return "weird"


def test_json_ready_makes_plain_finite_json() -> None:
    value = {
        "enum": Colour.RED,
        1: (1, 2.5),
        "set": frozenset({3}),
        "inf": math.inf,
        "nan": math.nan,
        "nested": {"x": [-math.inf, True, None]},
        "other": Weird(),
    }
    ready = json_ready(value)
    assert ready == {
        "enum": "red",
        "1": [1, 2.5],
        "set": [3],
        "inf": None,
        "nan": None,
        "nested": {"x": [None, True, None]},
        "other": "weird",
    }
    json.dumps(ready, allow_nan=False)


def test_bools_stay_bools_and_ints_stay_ints() -> None:
    assert json_ready([True, 3, 3.0]) == [True, 3, 3.0]
    assert [type(v) for v in json_ready([True, 3, 3.0])] == [bool, int, float]
