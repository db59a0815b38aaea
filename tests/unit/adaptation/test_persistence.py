from __future__ import annotations

from aref.adaptation.autoscaler import ReplicaState
from aref.adaptation.budget import BudgetFreeze
from aref.adaptation.feature_flags import Actor, FeatureFlag
from aref.adaptation.persistence import COLLECTION, KEY, EngineSnapshot, SnapshotStore
from aref.adaptation.window import AdaptationWindow
from aref.events import Severity
from aref.models import AnomalyClass
from aref.testing import MemoryStore

from .factories import T0

SNAPSHOT = EngineSnapshot(
    version=3,
    flags=(FeatureFlag("notifications", "search", False, Actor.AUTO, T0, "shed"),),
    weights={"payments": {"primary": 0, "backup": 100}},
    replicas=(ReplicaState("orders", 1, 2, T0, "load"),),
    windows=(
        AdaptationWindow(
            "A1", "payments", "error_rate", Severity.CRITICAL, "shed_load", AnomalyClass.TRANSIENT, T0, T0 + 120, "C1"
        ),
    ),
    open_breakers={"payments": ("gateway->payments",)},
    breaker_shifted=("payments",),
    totals={"decisions": 1},
    budget_freezes=(BudgetFreeze("payments", {"slo_burn:payments:availability": "A2"}, ("payments.analytics",)),),
)


def test_a_snapshot_round_trips_through_the_store() -> None:
    store = MemoryStore()
    assert SnapshotStore(store).save(SNAPSHOT) is True
    assert store.get(COLLECTION, KEY) is not None
    assert SnapshotStore(store).load() == SNAPSHOT


def test_an_unchanged_snapshot_is_not_written_again() -> None:
    snapshots = SnapshotStore(MemoryStore())
    assert snapshots.save(SNAPSHOT) is True
    assert snapshots.save(SNAPSHOT) is False
    assert snapshots.save(EngineSnapshot(version=4)) is True


def test_without_a_store_nothing_is_kept() -> None:
    snapshots = SnapshotStore(None)
    assert snapshots.save(SNAPSHOT) is False
    assert snapshots.load() is None
    assert SnapshotStore(MemoryStore()).load() is None
