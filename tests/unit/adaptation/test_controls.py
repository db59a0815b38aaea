from __future__ import annotations

from aref.adaptation.capacity import ClusterCapacity
from aref.adaptation.context import ServiceState
from aref.adaptation.controls import Controls
from aref.adaptation.scaling import ScalingPolicy
from aref.testing import FakeClock
from aref.topology import SERVICES

from .factories import T0


def controls() -> Controls:
    c = Controls(SERVICES, FakeClock(T0), ScalingPolicy(max_replicas=4, cooldown_seconds=30), budget_trigger=0.5)
    c.autoscaler.set_capacity(ClusterCapacity(T0, cpu_free=2.0, memory_free_mb=16_000, cpu_busy=0.1))
    return c


def test_version_bumps_once_per_commit_with_changes() -> None:
    c = controls()
    assert c.commit() == 0
    c.flags.shed_non_critical("payments")
    c.traffic.shift("payments", "backup", 100)
    assert c.commit() == 1
    assert c.commit() == 1
    c.autoscaler.request("orders", 2, T0, "load")
    assert c.commit() == 2


def test_observed_replica_counts_do_not_bump_the_version() -> None:
    c = controls()
    c.autoscaler.set_observed("orders", 3)
    assert c.commit() == 0


def test_state_of_is_what_strategies_see() -> None:
    c = controls()
    c.flags.set("notifications.search", False, actor="auto")
    c.autoscaler.request("notifications", 2, T0, "load")
    assert c.state_of("notifications") == ServiceState(
        service="notifications",
        optional_flags_on=("notifications.analytics", "notifications.recommendations", "notifications.experimental"),
        weights={"primary": 100, "backup": 0},
        backup_route="backup",
        replicas=2,
        max_replicas=4,
        scaling_ready=False,
    )
    assert c.state_of("postgres") == ServiceState("postgres")


def test_snapshot_and_load_carry_the_version() -> None:
    c = controls()
    c.traffic.shift("payments", "backup", 100)
    c.commit()
    snapshot = c.snapshot(windows=(), totals={"decisions": 2})
    fresh = controls()
    fresh.load(snapshot)
    assert fresh.version == 1
    assert fresh.traffic.weights("payments") == {"primary": 0, "backup": 100}
    assert fresh.commit() == 1
