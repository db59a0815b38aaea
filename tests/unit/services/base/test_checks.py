from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from services.base import checks


def test_valid_values_pass_normalised() -> None:
    assert checks.text("name", "  ann ") == "ann"
    assert checks.amount("amount", 10.005) == 10.01
    assert checks.amount("amount", 3) == 3.0
    assert checks.count("qty", 0, minimum=0) == 0
    assert checks.fraction("u", 0.0) == 0.0
    assert checks.limit(1000) == 1000
    assert checks.choice("channel", "sms", ("email", "sms")) == "sms"


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (lambda v: checks.text("f", v), ""),
        (lambda v: checks.text("f", v), 7),
        (lambda v: checks.text("f", v, max_length=2), "abc"),
        (lambda v: checks.amount("f", v), 0),
        (lambda v: checks.amount("f", v), True),
        (lambda v: checks.amount("f", v), float("inf")),
        (lambda v: checks.amount("f", v), 2.25e-51),  # rounds to no cent at all
        (lambda v: checks.idempotency_key("f", v), "a b"),
        (lambda v: checks.idempotency_key("f", v), "\ud800"),
        (lambda v: checks.idempotency_key("f", v), "k" * 129),
        (lambda v: checks.amount("f", v), checks.MAX_AMOUNT + 1),
        (lambda v: checks.count("f", v), 1.5),
        (lambda v: checks.count("f", v), True),
        (lambda v: checks.count("f", v, maximum=3), 4),
        (lambda v: checks.fraction("f", v), 1.0),
        (lambda v: checks.fraction("f", v), -0.1),
        (lambda v: checks.choice("f", v, ("a",)), "b"),
    ],
)
def test_invalid_values_name_the_field(check, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInputError) as caught:
        check(value)
    assert caught.value.field == "f"


def test_limit_names_the_limit_field() -> None:
    with pytest.raises(InvalidInputError) as caught:
        checks.limit(0)
    assert caught.value.field == "limit"
