"""The wire shapes: every field described, pillar views open; json_ready: the wire rule (plain JSON data,
finite numbers only)."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Any, get_args, get_type_hints

import pytest
from pydantic.fields import FieldInfo

from aref.control import wire
from aref.records import json_ready

SHAPES = {
    name: value
    for name, value in vars(wire).items()
    if isinstance(value, type) and hasattr(value, "__total__") and value.__module__.startswith(wire.__name__ + ".")
}
PILLAR_VIEWS = {"DetectionView", "AbsorptionView", "AdaptationView", "RecoveryView", "RecoveryRunView", "EvolutionView"}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_wire_shape_describes_itself_and_every_field(name: str) -> None:
    shape = SHAPES[name]
    assert (shape.__doc__ or "").strip()
    assert shape.__total__
    undescribed = [
        key
        for key, hint in get_type_hints(shape, include_extras=True).items()
        if not any(isinstance(m, FieldInfo) and m.description for m in getattr(hint, "__metadata__", ()))
    ]
    assert undescribed == []


def nested_shapes(hint: Any) -> set[type]:
    """The wire TypedDicts a field's type mentions, at any depth."""
    found = {hint} if hint in SHAPES.values() else set()
    return found.union(*(nested_shapes(arg) for arg in get_args(hint)))


def test_a_shape_nested_in_a_pillar_view_is_closed_by_its_own_config() -> None:
    """Pydantic hands a TypedDict without a config its parent's: in a pillar view it would pass extra keys too."""
    nested = {
        shape
        for name in PILLAR_VIEWS
        for hint in get_type_hints(SHAPES[name], include_extras=True).values()
        for shape in nested_shapes(hint)
    }
    assert nested == {wire.ReplicaCounts}
    assert all(shape.__pydantic_config__ == {"extra": "ignore"} for shape in nested)


def test_only_the_pillar_views_pass_undeclared_keys_through() -> None:
    extra = {name: getattr(shape, "__pydantic_config__", {}).get("extra", "ignore") for name, shape in SHAPES.items()}
    assert {name for name, value in extra.items() if value == "allow"} == PILLAR_VIEWS
    assert set(extra.values()) == {"allow", "ignore"}


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
