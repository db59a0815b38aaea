"""Input checks shared by the shop logic; each failure is an ``InvalidInputError`` naming the field."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from aref.errors import InvalidInputError
from aref.events import new_id

IdFactory = Callable[[str], str]
"""Makes a new id with a prefix (``new_id`` in production, a counter in tests)."""

DEFAULT_IDS: IdFactory = new_id


def text(field: str, value: Any, *, max_length: int = 200) -> str:
    """A non-blank string, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(field, "must be a non-empty string")
    if len(value) > max_length:
        raise InvalidInputError(field, f"must be at most {max_length} characters")
    return value.strip()


IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,128}$"
"""An idempotency key: 1 to 128 visible ASCII characters (it travels back in a response header)."""
MAX_AMOUNT = 1_000_000_000.0
"""The largest amount of money anything in the shop holds (a price, an order's total, a payment)."""


def idempotency_key(field: str, value: Any) -> str:
    """An idempotency key (``IDEMPOTENCY_KEY_PATTERN``)."""
    if not isinstance(value, str) or re.fullmatch(IDEMPOTENCY_KEY_PATTERN, value) is None:
        raise InvalidInputError(field, "must be 1 to 128 visible ASCII characters")
    return value


def amount(field: str, value: Any) -> float:
    """A number from 0.01 to ``MAX_AMOUNT``, rounded to cents."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(field, f"must be a number from 0.01 to {MAX_AMOUNT:.0f}")
    cents = round(float(value), 2)
    if not 0.01 <= cents <= MAX_AMOUNT:
        raise InvalidInputError(field, f"must be a number from 0.01 to {MAX_AMOUNT:.0f}")
    return cents


def count(field: str, value: Any, *, minimum: int = 1, maximum: int = 1_000_000) -> int:
    """An integer within ``minimum..maximum``."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInputError(field, f"must be an integer between {minimum} and {maximum}")
    return value


def fraction(field: str, value: Any) -> float:
    """A uniform draw in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise InvalidInputError(field, "must be a number in [0, 1)")
    return float(value)


def limit(value: Any, *, maximum: int = 1000) -> int:
    """A page size for listings."""
    return count("limit", value, minimum=1, maximum=maximum)


def choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``."""
    if value not in allowed:
        raise InvalidInputError(field, f"must be one of {', '.join(allowed)}")
    return str(value)
