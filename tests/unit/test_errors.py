from __future__ import annotations

import pytest

from aref.errors import (
    ArefError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RejectedError,
    StoreError,
    error_from_dict,
    error_to_dict,
)


@pytest.mark.parametrize(
    "error",
    [
        InvalidInputError("rate", "must be <= 0.9", source="exp.yaml"),
        NotFoundError("service", "billing"),
        RejectedError("circuit_breaker", "gateway->payments"),
        ConflictError("already resolved"),
        StoreError("disk full"),
        ArefError("something else"),
    ],
)
def test_errors_survive_the_wire(error: ArefError) -> None:
    rebuilt = error_from_dict(error_to_dict(error))
    assert type(rebuilt) is type(error)
    assert str(rebuilt) == str(error)


def test_invalid_input_names_field_and_file() -> None:
    error = InvalidInputError("steps.2.timeout_seconds", "must be > 0", source="runbooks/x.yml")
    assert str(error) == "runbooks/x.yml: steps.2.timeout_seconds: must be > 0"
    assert isinstance(error, ValueError)
    assert isinstance(NotFoundError("x", "y"), LookupError)
