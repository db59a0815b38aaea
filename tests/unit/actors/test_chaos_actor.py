"""The chaos actor's stop and run-record methods, called directly (no Ray)."""

from __future__ import annotations

import asyncio

import pytest

from actors.client import unwrap
from aref.errors import InvalidInputError, NotFoundError
from aref.records import to_record
from aref.store import Collection
from aref.testing import FakeClock
from chaos.faults import FaultSpec, FaultType
from tests.unit.actors.chaos_here import ChaosHere

run = asyncio.run
SPEC = FaultSpec("payments", FaultType.ERROR, 0.5, 30.0)


def test_stop_rolls_back_one_fault_with_the_reason_and_forgets_it() -> None:
    chaos = ChaosHere(FakeClock(100.0))
    first = run(chaos.inject(to_record(SPEC), experiment="payment_test"))["ok"]["fault"]
    second = run(chaos.inject(to_record(SPEC)))["ok"]["fault"]
    reply = run(chaos.stop(first["id"], "stopped by request"))
    assert reply == {"ok": first}
    assert [f.id for f in chaos.engine.active()] == [second["id"]]
    assert [r["id"] for r in chaos.store.list("faults")] == [second["id"]]
    assert chaos.engine.status()["history"][0]["reason"] == "stopped by request"
    assert chaos.pushed == ["payments", "payments", "payments"]  # two injections, one rollback
    assert [e.type for e in chaos.publisher.events] == ["fault_injected", "fault_injected", "fault_rolled_back"]


def test_stopping_an_unknown_fault_is_a_not_found_envelope() -> None:
    chaos = ChaosHere(FakeClock(100.0))
    with pytest.raises(NotFoundError) as caught:
        unwrap(run(chaos.stop("FLT-nope")))
    assert (caught.value.kind, caught.value.key) == ("fault", "FLT-nope")
    assert chaos.pushed == []


def test_run_records_are_stored_and_listed_newest_first() -> None:
    chaos = ChaosHere(FakeClock(100.0))
    assert run(chaos.save_run({"id": "RUN-1", "passed": True})) == {"ok": {"id": "RUN-1"}}
    assert run(chaos.save_run({"id": "RUN-2", "passed": False})) == {"ok": {"id": "RUN-2"}}
    assert chaos.store.get(Collection.EXPERIMENT_RUNS, "RUN-1") == {"id": "RUN-1", "passed": True}
    assert [r["id"] for r in run(chaos.runs())] == ["RUN-2", "RUN-1"]
    assert run(chaos.runs(1)) == [{"id": "RUN-2", "passed": False}]


def test_a_run_record_without_an_id_is_an_invalid_input_envelope() -> None:
    chaos = ChaosHere(FakeClock(100.0))
    with pytest.raises(InvalidInputError) as caught:
        unwrap(run(chaos.save_run({"passed": True})))
    assert caught.value.field == "id"
    assert chaos.store.list(Collection.EXPERIMENT_RUNS) == []
