"""Fixtures of the e2e tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.tiers import pin


@pytest.fixture
def pinned() -> Iterator[list[str]]:
    """Services this test pinned; their pins are lifted whatever happens."""
    services: list[str] = []
    yield services
    for service in services:
        pin(service, None)
