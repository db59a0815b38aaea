from __future__ import annotations

import pytest

from aref.absorption.bulkhead import Bulkhead, BulkheadSnapshot, Permit
from aref.errors import InvalidInputError, RejectedError


def test_admits_up_to_the_limit_then_rejects() -> None:
    bulkhead = Bulkhead("payments", max_concurrent=3)
    permits = [bulkhead.try_acquire() for _ in range(3)]
    assert [p.number for p in permits] == [1, 2, 3]
    assert all(bulkhead.is_active(p) for p in permits)
    with pytest.raises(RejectedError) as info:
        bulkhead.try_acquire()
    assert (info.value.guard, info.value.name) == ("bulkhead", "payments")
    assert (bulkhead.active, bulkhead.rejected, bulkhead.peak) == (3, 1, 3)


def test_release_frees_a_slot_and_peak_remembers_the_high_water_mark() -> None:
    bulkhead = Bulkhead("orders", max_concurrent=2)
    first = bulkhead.try_acquire()
    bulkhead.try_acquire()
    assert bulkhead.release(first) is None
    assert bulkhead.active == 1
    bulkhead.try_acquire()
    assert bulkhead.snapshot() == BulkheadSnapshot("orders", 2, 0, 2, 0, 0, 2, 3)


def test_queue_holds_waiters_and_release_promotes_them_in_order() -> None:
    bulkhead = Bulkhead("inventory", max_concurrent=1, max_queue=2)
    running = bulkhead.try_acquire()
    waiting = [bulkhead.try_acquire(), bulkhead.try_acquire()]
    assert [p.queued for p in waiting] == [True, True]
    assert not bulkhead.is_active(waiting[0])
    with pytest.raises(RejectedError):
        bulkhead.try_acquire()
    promoted = bulkhead.release(running)
    assert promoted == Permit("inventory", waiting[0].number)
    assert bulkhead.is_active(waiting[0])
    assert (bulkhead.active, bulkhead.queued, bulkhead.rejected) == (1, 1, 1)


def test_releasing_a_queued_permit_cancels_it() -> None:
    bulkhead = Bulkhead("inventory", max_concurrent=1, max_queue=1)
    running = bulkhead.try_acquire()
    waiting = bulkhead.try_acquire()
    assert bulkhead.release(waiting) is None
    assert bulkhead.queued == 0
    assert bulkhead.release(running) is None


def test_double_release_and_foreign_permits_are_refused() -> None:
    bulkhead = Bulkhead("payments", max_concurrent=2)
    permit = bulkhead.try_acquire()
    bulkhead.release(permit)
    with pytest.raises(InvalidInputError) as info:
        bulkhead.release(permit)
    assert info.value.field == "permit"
    other = Bulkhead("orders", max_concurrent=2).try_acquire()
    bulkhead.try_acquire()
    with pytest.raises(InvalidInputError):
        bulkhead.release(other)
    assert bulkhead.active == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [(("", 1, 0), "name"), (("x", 0, 0), "max_concurrent"), (("x", 1, -1), "max_queue")],
)
def test_invalid_limits_name_the_field(args: tuple[str, int, int], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Bulkhead(*args)
    assert info.value.field == field
