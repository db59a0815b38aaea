from __future__ import annotations

import pytest

from aref.errors import InvalidInputError, NotFoundError
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph
from services.gateway.gateway_app import DOWNSTREAM


def test_demo_topology_is_what_the_shop_calls() -> None:
    assert DEMO_TOPOLOGY.dependencies("gateway") == DOWNSTREAM
    for service in ("orders", "payments", "inventory", "notifications"):
        assert DEMO_TOPOLOGY.dependencies(service) == ()
        assert DEMO_TOPOLOGY.dependents(service) == ("gateway",)
    assert DEMO_TOPOLOGY.nodes == SERVICES  # no node the shop does not run
    assert DEMO_TOPOLOGY.edge_names() == tuple(f"gateway->{s}" for s in DOWNSTREAM)


def test_unknown_node_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="nope"):
        DEMO_TOPOLOGY.dependencies("nope")


def test_self_dependency_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        DependencyGraph.from_mapping({"a": ["a"]})
    assert info.value.field == "dependencies.a"
