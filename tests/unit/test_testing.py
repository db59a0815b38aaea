from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from aref.testing import FakeClock


def test_fake_clock_moves_only_forward_when_told() -> None:
    clock = FakeClock(start=10.0)
    assert clock.now() == 10.0
    assert clock.advance(2.5) == 12.5
    clock.set(20.0)
    assert clock.now() == 20.0
    with pytest.raises(InvalidInputError):
        clock.advance(-1)
    with pytest.raises(InvalidInputError):
        clock.set(19.0)
