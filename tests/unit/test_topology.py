from __future__ import annotations

import pytest

from aref.errors import InvalidInputError, NotFoundError
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph


def test_demo_topology_is_the_seed_dependency_map() -> None:
    assert DEMO_TOPOLOGY.dependencies("gateway") == ("orders", "payments", "inventory", "notifications")
    assert DEMO_TOPOLOGY.dependencies("orders") == ("payments", "inventory", "notifications")
    assert DEMO_TOPOLOGY.dependents("payments") == ("gateway", "orders")
    assert DEMO_TOPOLOGY.dependents("redis") == ("payments", "inventory", "notifications")
    assert len(DEMO_TOPOLOGY.edges) == 12
    assert set(SERVICES) < set(DEMO_TOPOLOGY.nodes)
    assert "gateway->payments" in DEMO_TOPOLOGY.edge_names()


def test_unknown_node_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="nope"):
        DEMO_TOPOLOGY.dependencies("nope")


def test_self_dependency_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        DependencyGraph.from_mapping({"a": ["a"]})
    assert info.value.field == "dependencies.a"
