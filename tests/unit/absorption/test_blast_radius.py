from __future__ import annotations

import pytest

from aref.absorption.blast_radius import blast_radii, blast_radius
from aref.errors import NotFoundError
from aref.topology import DEMO_TOPOLOGY, DependencyGraph
from tests.unit.graphs import LAYERED


def test_payments_failure_reaches_its_callers_transitively() -> None:
    radius = blast_radius(LAYERED, "payments")
    assert radius.affected == ("gateway", "orders")
    assert radius.contained == ("gateway", "orders")
    assert radius.stopped_at == ()
    assert radius.total_other == 6
    assert radius.containment_pct == pytest.approx(100 * (1 - 2 / 6))


def test_redis_failure_reaches_every_service_in_bfs_order() -> None:
    radius = blast_radius(LAYERED, "redis")
    assert radius.affected == ("payments", "inventory", "notifications", "gateway", "orders")
    assert radius.containment_pct == pytest.approx(100 * (1 - 5 / 6))


def test_nobody_depends_on_the_gateway() -> None:
    radius = blast_radius(DEMO_TOPOLOGY, "gateway")
    assert (radius.affected, radius.containment_pct) == ((), 100.0)


def test_in_the_shop_a_service_failure_reaches_only_the_gateway() -> None:
    radius = blast_radius(DEMO_TOPOLOGY, "payments", ["gateway->payments"])
    assert (radius.affected, radius.contained, radius.contained_pct) == (("gateway",), (), 100.0)


def test_one_open_breaker_is_bypassed_through_another_path() -> None:
    radius = blast_radius(LAYERED, "payments", ["gateway->payments"])
    assert radius.contained == ("orders", "gateway")  # gateway still suffers through orders
    assert radius.stopped_at == ("gateway->payments",)
    assert radius.contained_pct == pytest.approx(100 * (1 - 2 / 6))


def test_breakers_on_every_path_contain_the_failure() -> None:
    radius = blast_radius(LAYERED, "payments", ["gateway->payments", "orders->payments"])
    assert radius.affected == ("gateway", "orders")
    assert radius.contained == ()
    assert radius.stopped_at == ("gateway->payments", "orders->payments")
    assert radius.contained_pct == 100.0


def test_only_open_edges_the_spread_reaches_are_reported() -> None:
    radius = blast_radius(LAYERED, "payments", ["orders->payments", "gateway->orders"])
    assert radius.contained == ("gateway",)
    assert radius.stopped_at == ("orders->payments",)


def test_cycles_terminate_and_never_count_the_origin() -> None:
    graph = DependencyGraph.from_mapping({"a": ("b",), "b": ("c",), "c": ("a",)})
    assert blast_radius(graph, "a").affected == ("c", "b")


def test_an_empty_graph_knows_no_service() -> None:
    graph = DependencyGraph(edges=())
    with pytest.raises(NotFoundError):
        blast_radius(graph, "a")


def test_unknown_service_or_edge_is_not_found() -> None:
    with pytest.raises(NotFoundError) as info:
        blast_radius(LAYERED, "billing")
    assert (info.value.kind, info.value.key) == ("service", "billing")
    with pytest.raises(NotFoundError) as edge_info:
        blast_radius(LAYERED, "payments", ["payments->gateway"])
    assert edge_info.value.kind == "edge"


def test_blast_radii_covers_every_node() -> None:
    radii = blast_radii(LAYERED, ["payments->redis"])
    assert set(radii) == set(LAYERED.nodes)
    assert radii["redis"].contained == ("inventory", "notifications", "gateway", "orders")
    assert radii["postgres"].contained == ("payments", "inventory", "gateway", "orders")
