"""SimulatedFleet: the target is what runs, each replica has an id, a kill is replaced, boards are kept."""

from __future__ import annotations

import asyncio

import pytest

from aref.control.inprocess.fleet import RUNNING, SimulatedFleet
from aref.control.ports import Replica, ReplicaCount
from aref.errors import InvalidInputError, NotFoundError
from chaos.faults import ActiveFault, FaultBoard, FaultSpec, FaultType

run = asyncio.run


def test_the_target_runs_at_once() -> None:
    fleet = SimulatedFleet(["orders", "payments"], initial=1)
    assert fleet.count("orders") == ReplicaCount("orders", 1, 1, RUNNING, ("orders-sim-1",))
    run(fleet.scale("orders", 3))
    count = fleet.count("orders")
    assert (count.target, count.running, fleet.running("orders")) == (3, 3, 3)
    assert count.replica_ids == ("orders-sim-1", "orders-sim-3", "orders-sim-4")  # ids are never reused
    run(fleet.scale("orders", 2))
    assert fleet.count("orders").replica_ids == ("orders-sim-1", "orders-sim-3")  # the newest go first
    assert run(fleet.replicas()) == {"orders": fleet.count("orders"), "payments": fleet.count("payments")}
    assert [r.replica_id for r in run(fleet.live("orders"))] == ["orders-sim-1", "orders-sim-3"]


def test_bad_input_is_refused() -> None:
    fleet = SimulatedFleet(["orders"])
    with pytest.raises(NotFoundError) as unknown:
        run(fleet.scale("billing", 1))
    assert (unknown.value.kind, unknown.value.key) == ("service", "billing")
    for bad in (-1, True):
        with pytest.raises(InvalidInputError) as caught:
            run(fleet.scale("orders", bad))
        assert caught.value.field == "replicas"
    assert fleet.running("orders") == 1
    with pytest.raises(InvalidInputError):
        SimulatedFleet([])
    with pytest.raises(InvalidInputError):
        SimulatedFleet(["orders"], initial=-1)
    for read in (fleet.count, fleet.running, fleet.board):
        with pytest.raises(NotFoundError):
            read("billing")


def test_a_killed_replica_is_replaced_by_one_with_a_new_id() -> None:
    fleet = SimulatedFleet(["orders"], initial=2)
    first, second = run(fleet.live("orders"))
    assert run(fleet.kill(first)) is True
    ids = [r.replica_id for r in run(fleet.live("orders"))]
    assert len(ids) == 2
    assert first.replica_id not in ids
    assert second.replica_id in ids
    assert ids[0] == "orders-sim-3"  # the new replica takes the killed one's place
    assert fleet.killed == [first.replica_id]
    assert run(fleet.kill(first)) is False  # already gone
    assert run(fleet.kill(Replica("orders", "orders-sim-99", "orders-sim-99"))) is False
    assert fleet.killed == [first.replica_id]
    assert fleet.count("orders").running == 2


def test_a_pushed_board_is_kept_per_service_and_reaches_every_replica() -> None:
    fleet = SimulatedFleet(["orders", "payments"], initial=3)
    assert fleet.board("orders") == FaultBoard()
    spec = FaultSpec("orders", FaultType.ERROR, 0.5, 10.0)
    board = FaultBoard(7, (ActiveFault("FLT-1", spec, 0.0, 10.0),))
    assert run(fleet.push_faults("orders", board)) == 3
    assert (fleet.board("orders"), fleet.board("payments")) == (board, FaultBoard())
    with pytest.raises(NotFoundError):
        run(fleet.push_faults("billing", board))
