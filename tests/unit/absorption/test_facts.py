"""AbsorptionEngine.facts(): what absorption has in place, as measured."""

from __future__ import annotations

from aref.absorption.engine import AbsorptionEngine
from aref.absorption.facts import AbsorptionFacts
from aref.absorption.shared_breaker import OutcomeReport
from aref.config import AbsorptionSettings
from aref.testing import EventCapture, FakeClock
from aref.topology import DEMO_TOPOLOGY, DependencyGraph
from tests.unit.graphs import LAYERED

SETTINGS = AbsorptionSettings()


def open_breaker(eng: AbsorptionEngine, clock: FakeClock, edge: str) -> None:
    calls = SETTINGS.circuit_breaker_failure_threshold
    eng.apply_reports([OutcomeReport(edge, "r-1", 0, calls, 0, clock.advance(1.0), 1)])


def test_guards_are_in_place_and_containment_unmeasured_at_rest() -> None:
    facts = AbsorptionEngine(SETTINGS, FakeClock(), EventCapture()).facts()
    assert facts == AbsorptionFacts(
        breakers_configured=len(DEMO_TOPOLOGY.edges),
        breaker_edges=DEMO_TOPOLOGY.edge_names(),
        has_bulkheads=True,
        has_rate_limiters=True,
        has_degradation_tiers=True,
        blast_radius_containment_pct=None,
    )


def test_an_open_breaker_that_stops_a_spread_measures_containment() -> None:
    clock = FakeClock()
    eng = AbsorptionEngine(SETTINGS, clock, EventCapture(), graph=LAYERED)
    open_breaker(eng, clock, "gateway->payments")
    # redis failing would reach 5 of the 6 other services past the open edge: 16.67% contained
    assert eng.facts().blast_radius_containment_pct == 16.67
    open_breaker(eng, clock, "orders->payments")
    assert eng.facts().blast_radius_containment_pct == 16.67  # the worst spread still stopped


def test_one_breaker_per_edge_of_the_graph() -> None:
    clock = FakeClock()
    graph = DependencyGraph.from_mapping({"a": ["b"]})
    eng = AbsorptionEngine(SETTINGS, clock, EventCapture(), graph=graph, services=["a", "b"])
    assert (eng.facts().breakers_configured, eng.facts().blast_radius_containment_pct) == (1, None)
    open_breaker(eng, clock, "a->b")
    assert eng.facts().blast_radius_containment_pct == 100.0  # b failing no longer reaches a


def test_the_newest_replica_report_per_edge_is_kept() -> None:
    clock = FakeClock()
    eng = AbsorptionEngine(SETTINGS, clock, EventCapture())
    eng.apply_reports([OutcomeReport("gateway->orders", "r-1", 1, 0, 0, 10.0, 1)])
    eng.apply_reports([OutcomeReport("gateway->orders", "r-2", 1, 0, 0, 20.0, 1)])
    eng.apply_reports([OutcomeReport("gateway->orders", "r-1", 1, 0, 0, 15.0, 2)])
    assert eng.facts().guard_reports == (("gateway->orders", "r-2", 20.0),)
