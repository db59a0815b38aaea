"""Plain-data codec for frozen dataclasses.

``to_record`` turns a dataclass (with Enum, tuple, Mapping, Optional and nested dataclass
fields) into JSON-ready dicts and lists; ``from_record`` rebuilds it from its type hints.
Round-tripping is exact for every model the store persists.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from enum import Enum
from numbers import Integral, Real
from typing import Any, TypeVar, Union

from aref.errors import StoreError

T = TypeVar("T")


def to_record(value: Any) -> Any:
    """Convert a dataclass (or any nested value) into JSON-compatible data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_record(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_record(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_record(v) for v in value]
    return value


def from_record(cls: type[T], data: Mapping[str, Any]) -> T:
    """Rebuild dataclass ``cls`` from data produced by ``to_record``."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    if not isinstance(data, Mapping):
        raise StoreError(f"cannot rebuild {cls.__name__} from a {type(data).__name__}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.name in data:
            kwargs[f.name] = _decode(hints[f.name], data[f.name], f"{cls.__name__}.{f.name}")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:  # missing fields, or a broken invariant (InvalidInputError)
        raise StoreError(f"cannot rebuild {cls.__name__}: {exc}") from exc


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A dataclass's resolved field types (resolving string annotations is slow: once per class)."""
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        last: Exception | None = None
        for option in (a for a in args if a is not type(None)):
            try:
                return _decode(option, value, where)
            except (ValueError, TypeError, StoreError) as exc:
                last = exc
        raise StoreError(f"{where}: {value!r} fits none of {args}") from last
    if origin in (tuple, list, frozenset, set) and not isinstance(value, (list, tuple)):
        raise StoreError(f"{where}: expected a list, got {type(value).__name__}")
    if origin is tuple:
        items = args[:1] if len(args) == 2 and args[1] is Ellipsis else args
        if len(items) == 1:
            return tuple(_decode(items[0], v, where) for v in value)
        if len(items) != len(value):
            raise StoreError(f"{where}: expected {len(items)} items, got {len(value)}")
        return tuple(_decode(a, v, where) for a, v in zip(items, value, strict=True))
    if origin in (list, frozenset, set):
        built = [_decode(args[0], v, where) for v in value]
        return origin(built)
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise StoreError(f"{where}: expected an object, got {type(value).__name__}")
        if len(args) == 2:
            return {_decode(args[0], k, where): _decode(args[1], v, where) for k, v in value.items()}
        return dict(value)
    if isinstance(hint, type):
        if dataclasses.is_dataclass(hint):
            return from_record(hint, value)
        if isinstance(value, bool) and hint is not bool:
            # JSON true/false is never a number or an enum value, although bool subclasses int
            raise StoreError(f"{where}: expected {hint.__name__}, got bool")
        if issubclass(hint, Enum):
            try:
                return hint(value)
            except ValueError as exc:
                raise StoreError(f"{where}: {exc}") from None
        if hint is float and isinstance(value, int):
            return float(value)
        if not isinstance(value, hint):
            raise StoreError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
    return value


def json_ready(value: Any) -> Any:
    """Plain JSON data: enums by value, tuples and sets as lists, non-finite floats as None."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Enum):
        return json_ready(value.value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_ready(v) for v in value]
    return str(value)
