"""ChaosService: faults kept in the store and pushed to the fleet, experiment labels, crashes, run records."""

from __future__ import annotations

import asyncio

import pytest

from aref.control.host import in_process
from aref.control.pillars.chaos import FAULTS, ChaosService
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.store import Collection
from chaos.faults import FaultSpec, FaultType
from tests.unit.control.pillars.env import T0, FakeEnvironment, RecordingFleet

run = asyncio.run
SPEC = FaultSpec("payments", FaultType.ERROR, 0.5, 30.0)


def chaos_in(env: FakeEnvironment) -> ChaosService:
    """The service called as a host calls it (its events published, its pushes settled)."""
    return in_process(ChaosService(env))


def test_inject_pushes_the_board_to_every_live_replica_and_keeps_the_fault() -> None:
    env = FakeEnvironment(fleet=RecordingFleet(initial=3))
    chaos = chaos_in(env)
    injected = run(chaos.inject(SPEC, experiment="payment_test"))
    fault = injected.record.fault
    assert (injected.replicas_reached, injected.record.experiment, injected.record.replicas_killed) == (
        3,
        "payment_test",
        (),
    )
    assert env.replicas.pushed == [("payments", (fault.id,))]
    assert env.replicas.board("payments").faults == (fault,)
    assert [r["id"] for r in env.memory.list(FAULTS)] == [fault.id]
    assert env.memory.get(FAULTS, fault.id)["experiment"] == "payment_test"  # type: ignore[index]
    assert run(chaos.board("payments"))["faults"][0]["id"] == fault.id
    assert run(chaos.board("orders"))["faults"] == []
    assert env.published.topics() == ["chaos.fault_injected"]
    assert [(p, [e.source for e in batch]) for p, batch in env.published.batches] == [("chaos", ["chaos"])]


def test_stop_rolls_back_one_fault_with_the_reason_and_forgets_it() -> None:
    env = FakeEnvironment()
    chaos = chaos_in(env)
    first = run(chaos.inject(SPEC, experiment="payment_test")).record.fault
    second = run(chaos.inject(SPEC)).record.fault
    env.clock.advance(5)
    stopped = run(chaos.stop(first.id, "stopped by request"))
    assert (stopped.fault, stopped.experiment, stopped.ended_at, stopped.end_reason) == (
        first,
        "payment_test",
        T0 + 5,
        "stopped by request",
    )
    assert [f.id for f in chaos.engine.active()] == [second.id]
    assert [r["id"] for r in env.memory.list(FAULTS)] == [second.id]
    assert chaos.engine.status()["history"][0]["reason"] == "stopped by request"
    # two injections, one rollback: the board pushed each time, the last without the stopped fault
    assert env.replicas.pushed == [
        ("payments", (first.id,)),
        ("payments", (first.id, second.id)),
        ("payments", (second.id,)),
    ]
    assert [e.type for e in env.published.events] == ["fault_injected", "fault_injected", "fault_rolled_back"]
    recent = run(chaos.recent())
    assert [(r.fault.id, r.experiment, r.ended_at, r.end_reason) for r in recent] == [
        (first.id, "payment_test", T0 + 5, "stopped by request")
    ]
    assert [(r.fault.id, r.experiment) for r in run(chaos.active())] == [(second.id, None)]


def test_stopping_an_unknown_fault_is_not_found_and_pushes_nothing() -> None:
    env = FakeEnvironment()
    chaos = chaos_in(env)
    with pytest.raises(NotFoundError) as caught:
        run(chaos.stop("FLT-nope", "stopped by request"))
    assert (caught.value.kind, caught.value.key) == ("fault", "FLT-nope")
    assert env.replicas.pushed == []
    assert env.published.events == []


def test_stop_all_rolls_back_everything_and_pushes_each_service_once() -> None:
    env = FakeEnvironment()
    chaos = chaos_in(env)
    a = run(chaos.inject(SPEC)).record.fault
    b = run(chaos.inject(SPEC)).record.fault
    c = run(chaos.inject(FaultSpec("orders", FaultType.LATENCY, 0.2, 30.0, 100.0))).record.fault
    env.replicas.pushed.clear()
    stopped = run(chaos.stop_all("kill switch"))
    assert [(r.fault.id, r.end_reason, r.ended_at) for r in stopped] == [
        (a.id, "kill switch", T0),
        (b.id, "kill switch", T0),
        (c.id, "kill switch", T0),
    ]
    assert env.replicas.pushed == [("payments", ()), ("orders", ())]
    assert env.memory.list(FAULTS) == []
    assert run(chaos.active()) == []


def test_an_experiment_label_runs_once_at_a_time() -> None:
    env = FakeEnvironment()
    chaos = chaos_in(env)
    spec = FaultSpec("orders", FaultType.ERROR, 0.5, 10.0)
    first = run(chaos.inject(spec, experiment="x")).record.fault
    with pytest.raises(ConflictError) as caught:
        run(chaos.inject(spec, experiment="x"))
    assert str(caught.value) == f"experiment x is already running as fault {first.id}; stop it first"
    assert run(chaos.inject(spec)).record.experiment is None  # an ad-hoc fault on the same service is allowed
    assert run(chaos.inject(spec, experiment="y")).record.experiment == "y"  # another label too
    assert len(env.memory.list(FAULTS)) == 3  # the refused one was never kept
    env.clock.advance(10)
    chaos.tick()
    run(chaos.settle())
    assert [(r.fault.id, r.experiment, r.end_reason) for r in run(chaos.recent())][-1] == (first.id, "x", "expired")
    assert run(chaos.inject(spec, experiment="x")).record.experiment == "x"  # over: it may run again


def test_an_expired_fault_is_rolled_back_at_the_tick_and_its_board_pushed_at_settle() -> None:
    env = FakeEnvironment()
    service = ChaosService(env)
    chaos = in_process(service)
    fault = run(chaos.inject(SPEC)).record.fault
    env.clock.advance(29.9)
    service.tick()
    assert [f.id for f in service.engine.active()] == [fault.id]
    env.clock.advance(0.1)
    service.tick()
    assert service.engine.active() == []
    assert env.memory.list(FAULTS) == []
    assert env.published.topics()[-1] == "chaos.fault_rolled_back"
    assert env.replicas.pushed == [("payments", (fault.id,))]  # the push waits for the runtime
    run(service.settle())
    assert env.replicas.pushed == [("payments", (fault.id,)), ("payments", ())]
    assert env.replicas.board("payments").faults == ()


def test_faults_survive_a_restart_over_the_same_store_and_still_roll_back() -> None:
    env = FakeEnvironment()
    before = chaos_in(env)
    kept = run(before.inject(SPEC, experiment="payment_test")).record.fault
    expiring = run(before.inject(FaultSpec("orders", FaultType.ERROR, 0.5, 10.0))).record.fault
    again = FakeEnvironment(env.clock, env.memory, env.replicas)  # a new process: same store, same fleet
    after = chaos_in(again)
    assert [(r.fault, r.experiment) for r in run(after.active())] == [(kept, "payment_test"), (expiring, None)]
    assert run(after.version()) >= run(before.version())  # replicas never see an older board
    with pytest.raises(ConflictError):  # the label is still taken
        run(after.inject(SPEC, experiment="payment_test"))
    env.clock.advance(10)
    after.tick()
    run(after.settle())
    assert [r["id"] for r in env.memory.list(FAULTS)] == [kept.id]
    stopped = run(after.stop(kept.id, "stopped by request"))
    assert (stopped.fault.id, stopped.experiment) == (kept.id, "payment_test")
    assert env.memory.list(FAULTS) == []
    assert again.replicas.pushed[-2:] == [("orders", ()), ("payments", ())]
    assert again.published.topics() == ["chaos.fault_rolled_back", "chaos.fault_rolled_back"]


def test_a_crash_kills_a_share_of_the_live_replicas_and_reports_their_ids() -> None:
    env = FakeEnvironment(fleet=RecordingFleet(initial=4))
    chaos = chaos_in(env)
    before = {r.replica_id for r in run(chaos.live_replicas("payments"))}
    injected = run(chaos.inject(FaultSpec("payments", FaultType.CRASH, 0.5, 30.0)))
    killed = injected.record.replicas_killed
    assert len(killed) == 2  # ceil(0.5 x 4)
    assert set(killed) <= before
    assert env.replicas.killed == list(killed)
    after = {r.replica_id for r in run(chaos.live_replicas("payments"))}
    assert len(after) == 4
    assert not after & set(killed)
    assert [r.replicas_killed for r in run(chaos.active())] == [killed]
    stopped = run(chaos.stop(injected.record.fault.id, "stopped by request"))
    assert stopped.replicas_killed == killed


def test_a_crash_kills_at_least_one_replica() -> None:
    env = FakeEnvironment()  # one replica per service
    chaos = chaos_in(env)
    (only,) = run(chaos.live_replicas("orders"))
    injected = run(chaos.inject(FaultSpec("orders", FaultType.CRASH, 0.1, 30.0)))
    assert injected.record.replicas_killed == (only.replica_id,)
    assert [r.replica_id for r in run(chaos.live_replicas("orders"))] != [only.replica_id]


def test_an_unknown_service_is_refused_and_nothing_is_kept() -> None:
    env = FakeEnvironment()
    chaos = chaos_in(env)
    with pytest.raises(NotFoundError) as caught:
        run(chaos.inject(FaultSpec("billing", FaultType.ERROR, 0.5, 30.0)))
    assert (caught.value.kind, caught.value.key) == ("service", "billing")
    assert (env.memory.list(FAULTS), env.replicas.pushed, env.published.events) == ([], [], [])


def test_run_records_are_stored_and_listed_newest_first() -> None:
    env = FakeEnvironment()
    chaos = chaos_in(env)
    assert run(chaos.save_run({"id": "RUN-1", "passed": True})) == {"id": "RUN-1"}
    assert run(chaos.save_run({"id": "RUN-2", "passed": False})) == {"id": "RUN-2"}
    assert env.memory.get(Collection.EXPERIMENT_RUNS, "RUN-1") == {"id": "RUN-1", "passed": True}
    assert [r["id"] for r in run(chaos.runs())] == ["RUN-2", "RUN-1"]
    assert run(chaos.runs(1)) == [{"id": "RUN-2", "passed": False}]
    with pytest.raises(InvalidInputError) as caught:
        run(chaos.runs(0))
    assert caught.value.field == "limit"


def test_a_run_record_without_an_id_is_invalid_input() -> None:
    env = FakeEnvironment()
    chaos = chaos_in(env)
    with pytest.raises(InvalidInputError) as caught:
        run(chaos.save_run({"passed": True}))
    assert caught.value.field == "id"
    assert env.memory.list(Collection.EXPERIMENT_RUNS) == []
