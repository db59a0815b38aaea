"""EvolutionEngine.facts(): what evolution has learnt, as measured."""

from __future__ import annotations

from aref import topics
from aref.config import EvolutionSettings
from aref.events import Event
from aref.evolution.engine import EvolutionEngine
from aref.evolution.facts import EvolutionFacts
from aref.evolution.seeding import seed_history
from aref.models import Incident
from aref.records import to_record
from aref.testing import EventCapture, FakeClock, MemoryStore

from .builders import T0, MakeEvent, MakeIncident


def resolved(make_event: MakeEvent, incident: Incident) -> list[Event]:
    return [
        make_event(
            topics.RECOVERY_RESOLVED,
            incident.resolved_at,
            correlation_id=incident.correlation_id,
            recovery_id=f"R-{incident.id}",
            incident=to_record(incident),
            tier="T1",
        )
    ]


def test_nothing_learnt_yet_is_none_not_zero(clock: FakeClock) -> None:
    eng = EvolutionEngine(EvolutionSettings(), clock, EventCapture(), MemoryStore())
    assert eng.facts() == EvolutionFacts()


def test_a_reviewed_incident_and_a_completed_action_are_measured(
    clock: FakeClock, make_incident: MakeIncident, make_event: MakeEvent
) -> None:
    eng = EvolutionEngine(EvolutionSettings(), clock, EventCapture(), MemoryStore())
    incident = make_incident(detect_after=400.0, resolve_after=600.0)
    clock.set(T0 + 700)
    eng.handle(resolved(make_event, incident))
    facts = eng.facts()
    assert (facts.reviews, facts.knowledge_entries, facts.review_completion_pct) == (1, 1, 100.0)
    assert (facts.recurrence_rate_pct, facts.action_completion_rate_pct, facts.improvement_velocity) == (0.0, 0.0, 0)

    items = eng.actions.all(incident.id)
    assert items
    for done, item in enumerate(items, start=1):
        eng.complete_action(item.id)
        facts = eng.facts()
        assert (facts.action_completion_rate_pct, facts.improvement_velocity) == (done / len(items) * 100.0, done)


def test_the_facts_agree_with_the_status(clock: FakeClock, make_incident: MakeIncident, make_event: MakeEvent) -> None:
    eng = EvolutionEngine(EvolutionSettings(), clock, EventCapture(), MemoryStore())
    clock.set(T0 + 700)
    eng.handle(resolved(make_event, make_incident()))
    status, facts = eng.status(), eng.facts()
    assert facts == EvolutionFacts(
        reviews=status["reviews"]["total"],
        review_completion_pct=status["review_completion_pct"],
        knowledge_entries=status["knowledge_base"]["entries"],
        action_completion_rate_pct=status["actions"]["completion_rate_pct"],
        recurrence_rate_pct=status["recurrence"]["rate_pct"],
        improvement_velocity=status["improvement_velocity"]["completed"],
        reviewed=(("PIR-INC-1", "INC-1", "corr-INC-1", T0 + 700),),
    )


def test_seeded_demo_history_is_no_fact(clock: FakeClock) -> None:
    store = MemoryStore()
    eng = EvolutionEngine(EvolutionSettings(), clock, EventCapture(), store)
    seed_history(3, settings=EvolutionSettings(), clock=clock, store=store, sink=EventCapture())
    assert eng.status()["reviews"]["total"] == 3  # the demo view shows them
    assert eng.facts() == EvolutionFacts()  # maturity never counts them
