"""FakeScaler: the target is what runs."""

from __future__ import annotations

import pytest

from aref.dashboard.inmemory.scaler import FakeScaler
from aref.errors import InvalidInputError, NotFoundError


def test_the_target_runs_at_once() -> None:
    scaler = FakeScaler(["orders"], initial=1)
    assert scaler.set_target("orders", 3) == 1
    assert (scaler.target("orders"), scaler.running("orders")) == (3, 3)


def test_bad_input_is_refused() -> None:
    scaler = FakeScaler(["orders"])
    with pytest.raises(NotFoundError):
        scaler.set_target("billing", 1)
    for bad in (-1, True):
        with pytest.raises(InvalidInputError):
            scaler.set_target("orders", bad)
    with pytest.raises(InvalidInputError):
        FakeScaler([])
