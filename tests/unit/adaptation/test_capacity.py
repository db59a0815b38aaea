from __future__ import annotations

import pytest

from aref.adaptation.capacity import ClusterCapacity, Placement
from aref.errors import InvalidInputError

from .factories import T0

PLACEMENT = Placement(replica_memory_mb=200, memory_reserve_mb=1000, max_cpu_busy=0.8, stale_after_seconds=30)


def capacity(cpu_free: float = 1.5, memory: float = 8000, busy: float = 0.3) -> ClusterCapacity:
    return ClusterCapacity(T0, cpu_free, memory, busy, {"orders": 0.05, "payments": 1.0})


def test_the_tightest_limit_wins() -> None:
    assert PLACEMENT.extra(capacity(cpu_free=1.5, memory=1500), "orders", T0) == (2, "1500 MB free")
    assert PLACEMENT.extra(capacity(cpu_free=1.5), "payments", T0) == (1, "1.5 CPU tokens free")
    assert PLACEMENT.placeable(capacity(cpu_free=0.1, memory=99_000), "orders", 3, T0) == 5


def test_a_busy_node_places_nothing() -> None:
    assert PLACEMENT.extra(capacity(busy=0.95), "orders", T0) == (0, "node CPU 95% busy > 80%")
    assert PLACEMENT.placeable(capacity(busy=0.95), "orders", 2, T0) == 2


@pytest.mark.parametrize("seen", [None, capacity()])
def test_unknown_or_stale_capacity_places_nothing(seen: ClusterCapacity | None) -> None:
    assert PLACEMENT.extra(seen, "orders", T0 + 31) == (0, "cluster capacity unknown")


def test_a_service_without_a_known_token_asks_one_cpu() -> None:
    assert PLACEMENT.extra(capacity(cpu_free=1.5), "inventory", T0)[0] == 1


def test_invalid_capacity() -> None:
    with pytest.raises(InvalidInputError) as busy:
        ClusterCapacity(T0, 1.0, 100.0, 1.5)
    with pytest.raises(InvalidInputError) as free:
        ClusterCapacity(T0, -1.0, 100.0, 0.5)
    with pytest.raises(InvalidInputError) as placement:
        Placement(max_cpu_busy=0)
    assert (busy.value.field, free.value.field, placement.value.field) == ("cpu_busy", "capacity", "max_cpu_busy")
