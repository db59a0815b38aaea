"""The adaptation engine's durable control state, saved as one record.

Holds what must survive an actor restart: flag states, traffic weights, requested replica
counts and cooldowns, open adaptation windows (with their original deadlines), breaker-driven
shifts, error-budget freezes and the running totals. Alert history is not kept: classification restarts fresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aref.adaptation.autoscaler import ReplicaState
from aref.adaptation.budget import BudgetFreeze
from aref.adaptation.feature_flags import FeatureFlag
from aref.adaptation.window import AdaptationWindow
from aref.records import from_record, to_record
from aref.store.protocol import Store

COLLECTION = "adaptation_state"
KEY = "engine"


@dataclass(frozen=True)
class EngineSnapshot:
    version: int = 0
    flags: tuple[FeatureFlag, ...] = ()
    weights: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    replicas: tuple[ReplicaState, ...] = ()
    windows: tuple[AdaptationWindow, ...] = ()
    open_breakers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    breaker_shifted: tuple[str, ...] = ()
    totals: Mapping[str, int] = field(default_factory=dict)
    budget_freezes: tuple[BudgetFreeze, ...] = ()


class SnapshotStore:
    """Saves a snapshot only when it differs from the last one saved or loaded."""

    def __init__(self, store: Store | None) -> None:
        self._store = store
        self._last: dict[str, Any] | None = None

    def load(self) -> EngineSnapshot | None:
        if self._store is None:
            return None
        row = self._store.get(COLLECTION, KEY)
        if row is None:
            return None
        self._last = row
        return from_record(EngineSnapshot, row)

    def save(self, snapshot: EngineSnapshot) -> bool:
        if self._store is None:
            return False
        record: dict[str, Any] = to_record(snapshot)
        if record == self._last:
            return False
        self._store.put(COLLECTION, KEY, record)
        self._last = record
        return True
