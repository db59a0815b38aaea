from __future__ import annotations

from aref.adaptation.context import Scope, ServiceState, blast_radius
from aref.models import AnomalyClass
from aref.topology import DEMO_TOPOLOGY, DependencyGraph

from .factories import context, state


def test_blast_radius_of_payments_is_its_callers() -> None:
    scope = blast_radius(DEMO_TOPOLOGY, "payments")
    assert scope == Scope("payments", ("gateway",), ())
    assert scope.members == ("payments", "gateway")
    assert scope.describe() == "scope payments + 1 dependents (gateway)"


def test_blast_radius_walks_callers_transitively_nearest_first() -> None:
    chain = DependencyGraph.from_mapping({"edge": ("gateway",), "gateway": ("payments",), "payments": ("db",)})
    scope = blast_radius(chain, "db")
    assert scope.dependents == ("payments", "gateway", "edge")


def test_blast_radius_terminates_on_a_cycle() -> None:
    graph = DependencyGraph.from_mapping({"a": ("b",), "b": ("c",), "c": ("a",)})
    assert blast_radius(graph, "a").dependents == ("c", "b")


def test_unknown_and_top_level_services_have_no_dependents() -> None:
    assert blast_radius(DEMO_TOPOLOGY, "billing") == Scope("billing")
    assert blast_radius(DEMO_TOPOLOGY, "gateway").dependents == ()
    assert Scope("gateway").describe() == "scope gateway only"


def test_context_state_of_an_unlisted_service_is_an_empty_state() -> None:
    ctx = context(states={"payments": state()})
    assert ctx.state == state()
    assert ctx.state_of("orders") == ServiceState("orders")


def test_emergency_and_escalating_anomalies_are_not_mitigable() -> None:
    assert context(AnomalyClass.PERSISTENT, severity="critical").mitigable
    assert not context(AnomalyClass.PERSISTENT, severity="emergency").mitigable
    assert not context(AnomalyClass.ESCALATING, severity="warning").mitigable
