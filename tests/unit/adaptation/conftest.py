"""Fixtures shared by the adaptation tests: a fake clock at ``T0`` and an event capture."""

from __future__ import annotations

import pytest

from aref.testing import EventCapture, FakeClock

from .factories import T0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def sink() -> EventCapture:
    return EventCapture()
