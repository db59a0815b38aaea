"""The demo archetypes stay inside the demo topology and name the default runbooks' real steps."""

from __future__ import annotations

from aref.adaptation.feature_flags import flag_kinds
from aref.evolution.demo_scenarios import RUNBOOK_STEPS, SCENARIOS
from aref.evolution.recurrence import fault_signature
from aref.recovery.defaults import default_runbooks
from aref.topology import DEMO_TOPOLOGY, SERVICES


def test_every_scenario_is_on_a_demo_service_and_a_real_edge() -> None:
    assert {s.service for s in SCENARIOS} == set(SERVICES)
    edges = set(DEMO_TOPOLOGY.edge_names())
    for s in SCENARIOS:
        assert s.breaker_from is None or f"{s.breaker_from}->{s.service}" in edges, s.title
        assert s.detect_seconds[0] < s.detect_seconds[1] < s.resolve_seconds[0] < s.resolve_seconds[1], s.title
        assert s.weight >= 1


def test_the_archetypes_are_distinct_faults() -> None:
    signatures = [fault_signature(s.service, s.metric, s.anomaly_class.value) for s in SCENARIOS]
    assert len(set(signatures)) == len(SCENARIOS)


def test_runbook_steps_are_the_default_runbooks_steps_per_tier() -> None:
    books = {int(book.tier): book for book in default_runbooks()}
    for tier, (name, steps) in RUNBOOK_STEPS.items():
        book = books[int(tier)]
        assert book.name == name
        assert set(steps) <= {(step.name, step.kind) for step in book.steps}, name
    for s in SCENARIOS:
        assert set(s.tiers) <= set(RUNBOOK_STEPS), s.title
        first = [step for step, _ in RUNBOOK_STEPS[s.tiers[0]][1]]
        assert s.failed_step is None or s.failed_step in first, s.title


def test_every_flag_a_scenario_disables_exists() -> None:
    disabled = [a.removeprefix("disable ") for s in SCENARIOS for a in s.actions if a.startswith("disable ")]
    assert disabled
    for name in disabled:
        service, _, kind = name.partition(".")
        assert service in SERVICES, name
        assert kind in flag_kinds(service), name
