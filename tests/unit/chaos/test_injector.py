from __future__ import annotations

import pytest

from aref import topics
from aref.errors import NotFoundError
from aref.testing import EventCapture, FakeClock
from chaos.faults import FaultSpec
from chaos.injector import FaultInjector


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=1000.0)


@pytest.fixture
def events() -> EventCapture:
    return EventCapture()


@pytest.fixture
def injector(clock: FakeClock, events: EventCapture) -> FaultInjector:
    return FaultInjector(clock, events, services=("payments", "orders"))


def spec(service: str = "payments", duration: float = 120) -> FaultSpec:
    return FaultSpec.build(service, "error", 0.8, duration)


def test_inject_versions_the_board_and_announces_the_fault(injector: FaultInjector, events: EventCapture) -> None:
    fault = injector.inject(spec())
    assert injector.version == 1_000_000  # the clock in ms
    assert injector.board("payments").faults == (fault,)
    assert injector.board("orders").faults == ()
    event = events.last(topics.FAULT_INJECTED)
    assert event.payload["fault_id"] == fault.id
    assert event.correlation_id == fault.correlation_id


def test_fault_rolls_back_exactly_when_it_expires(
    injector: FaultInjector, clock: FakeClock, events: EventCapture
) -> None:
    fault = injector.inject(spec(duration=120))
    clock.advance(119.9)
    assert injector.tick() == []
    clock.advance(0.1)
    assert [f.id for f in injector.tick()] == [fault.id]
    assert injector.active() == []
    rolled = events.last(topics.FAULT_ROLLED_BACK)
    assert (rolled.payload["reason"], rolled.correlation_id) == ("expired", fault.correlation_id)
    assert injector.version == 1_120_000


def test_kill_switch_stops_every_fault(injector: FaultInjector) -> None:
    injector.inject(spec("payments"))
    injector.inject(spec("orders"))
    stopped = injector.stop_all()
    assert len(stopped) == 2
    assert injector.board().faults == ()
    assert [h["reason"] for h in injector.status()["history"]] == ["kill switch", "kill switch"]


def test_unknown_service_and_fault_are_not_found(injector: FaultInjector) -> None:
    with pytest.raises(NotFoundError, match="service"):
        injector.inject(spec("billing"))
    with pytest.raises(NotFoundError, match="fault"):
        injector.rollback("FLT-nope")


def test_status_reports_remaining_time(injector: FaultInjector, clock: FakeClock) -> None:
    injector.inject(spec(duration=60))
    clock.advance(15)
    assert injector.status()["active"][0]["remaining_s"] == pytest.approx(45)


def test_a_restarted_injector_adopts_faults_with_a_newer_version(clock: FakeClock, events: EventCapture) -> None:
    first = FaultInjector(clock, events)
    fault = first.inject(spec())
    clock.advance(1)
    second = FaultInjector(clock, events)
    second.adopt(fault)
    assert second.version > first.version
    assert second.board("payments").faults == (fault,)
