"""Session fixtures shared by the integration and e2e suites (the unit suite never uses them)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.stack import TEST_SETTINGS, Stack, new_stack

# the same auth mode everywhere: Ray switches token auth on by itself
os.environ.setdefault("RAY_AUTH_MODE", "disabled")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole stack, started as the README says, once per test session."""
    started = new_stack(tmp_path_factory.mktemp("stack"), **TEST_SETTINGS)
    try:
        started.start()
    except BaseException:
        print(started.serve_log())
        started.stop()
        raise
    yield started
    started.stop()


@pytest.fixture(scope="session")
def ray_client(stack: Stack) -> Iterator[object]:
    """A driver connected to the stack's cluster, in namespace ``aref``."""
    import ray

    ray.init(address="auto", namespace="aref", log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by suite (``-m "not integration and not e2e"`` runs the unit suite alone)."""
    for item in items:
        parts = item.path.parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        elif "e2e" in parts or "experiments" in parts:
            item.add_marker(pytest.mark.e2e)
