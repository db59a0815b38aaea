from __future__ import annotations

import pytest

from aref.absorption.edges import edge_name, split_edge
from aref.errors import InvalidInputError
from aref.topology import DEMO_TOPOLOGY


def test_names_round_trip_and_match_the_graph() -> None:
    assert edge_name("gateway", "payments") == "gateway->payments"
    assert split_edge("gateway->payments") == ("gateway", "payments")
    assert [edge_name(*split_edge(e)) for e in DEMO_TOPOLOGY.edge_names()] == list(DEMO_TOPOLOGY.edge_names())


@pytest.mark.parametrize("bad", ["gateway", "->payments", "gateway->", "a->b->c", ""])
def test_malformed_edges_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        split_edge(bad)
    assert info.value.field == "edge"


@pytest.mark.parametrize(("caller", "dependency", "field"), [("", "b", "caller"), ("a", "x->y", "dependency")])
def test_bad_parts_name_the_field(caller: str, dependency: str, field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        edge_name(caller, dependency)
    assert info.value.field == field
