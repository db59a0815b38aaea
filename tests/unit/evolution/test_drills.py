"""A recovery drill's incident is no incident: not measured for MTTD/MTTR and never reviewed."""

from __future__ import annotations

from aref.config import EvolutionSettings
from aref.evolution.engine import EvolutionEngine
from aref.evolution.measured import measured_incidents
from aref.store import Collection
from aref.testing import EventCapture, FakeClock, MemoryStore
from tests.unit.evolution.builders import T0, MakeEvent, MakeIncident
from tests.unit.evolution.test_engine import resolved


def test_a_drill_incident_is_not_measured(make_incident: MakeIncident) -> None:
    real, drill = make_incident("INC-1"), make_incident("INC-DRILL-1a2b3c4d")
    assert [i.id for i in measured_incidents([real, drill], [])] == ["INC-1"]


def test_a_resolved_drill_gets_no_review(clock: FakeClock, make_incident: MakeIncident, make_event: MakeEvent) -> None:
    store, sink = MemoryStore(), EventCapture()
    engine = EvolutionEngine(EvolutionSettings(), clock, sink, store)
    clock.set(T0 + 700)
    engine.handle([resolved(make_event, make_incident("INC-DRILL-1a2b3c4d")), resolved(make_event, make_incident())])
    assert [r["id"] for r in store.list(Collection.REVIEWS)] == ["PIR-INC-1"]
    assert sink.topics() == ["evolution.review_generated"]
