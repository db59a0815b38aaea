from __future__ import annotations

from aref.adaptation.failover import BreakerFailover
from aref.adaptation.signals import BreakerSignal
from aref.adaptation.traffic import TrafficShifter
from aref.topology import SERVICES


def edge(caller: str, dependency: str = "payments") -> BreakerSignal:
    return BreakerSignal(f"{caller}->{dependency}", caller, dependency)


def test_an_open_breaker_fails_the_dependency_over() -> None:
    traffic = TrafficShifter(SERVICES)
    failover = BreakerFailover(traffic)
    change = failover.opened(edge("gateway"))
    assert change is not None
    assert dict(change.weights) == {"primary": 0, "backup": 100}
    assert failover.open_breakers() == {"payments": ("gateway->payments",)}
    assert failover.shifted() == ("payments",)


def test_the_shift_is_undone_only_when_every_breaker_into_it_closed() -> None:
    traffic = TrafficShifter(SERVICES)
    failover = BreakerFailover(traffic)
    failover.opened(edge("gateway"))
    assert failover.opened(edge("orders")) is None
    assert failover.closed(edge("gateway")) is None
    assert traffic.weights("payments") == {"primary": 0, "backup": 100}
    restored = failover.closed(edge("orders"))
    assert restored is not None
    assert traffic.weights("payments") == {"primary": 100, "backup": 0}
    assert failover.open_breakers() == {}
    assert failover.closed(edge("orders")) is None


def test_a_shift_made_by_someone_else_is_left_alone() -> None:
    traffic = TrafficShifter(SERVICES)
    traffic.shift("payments", "backup", 100)
    failover = BreakerFailover(traffic)
    assert failover.opened(edge("gateway")) is None
    assert failover.closed(edge("gateway")) is None
    assert traffic.weights("payments") == {"primary": 0, "backup": 100}


def test_infrastructure_dependencies_have_no_routes() -> None:
    failover = BreakerFailover(TrafficShifter(SERVICES))
    assert failover.opened(edge("payments", "postgres")) is None
    assert failover.open_breakers() == {"postgres": ("payments->postgres",)}


def test_load_restores_tracking() -> None:
    traffic = TrafficShifter(SERVICES)
    traffic.shift("payments", "backup", 100)
    failover = BreakerFailover(traffic)
    failover.load({"payments": ["gateway->payments"]}, ["payments"])
    assert failover.closed(edge("gateway")) is not None
    assert traffic.weights("payments") == {"primary": 100, "backup": 0}
