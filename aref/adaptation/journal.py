"""The adaptation log: what adaptation did, why, and for which incident.

Keeps the last ``size`` records in memory for the dashboard and, given a store, writes every
record to the ``adaptations`` collection (reloading the most recent ones on start).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from aref.adaptation.decision_tree import Decision
from aref.errors import InvalidInputError
from aref.events import new_id
from aref.models import AnomalyClass
from aref.records import from_record, to_record
from aref.store.protocol import Store

COLLECTION = "adaptations"


@dataclass(frozen=True)
class AdaptationRecord:
    id: str
    at: float
    trigger: str
    service: str
    strategy: str
    actions: tuple[str, ...] = ()
    rationale: str = ""
    anomaly_class: AnomalyClass | None = None
    alert_id: str | None = None
    correlation_id: str | None = None


def note(
    at: float,
    trigger: str,
    service: str,
    strategy: str,
    actions: tuple[str, ...],
    rationale: str,
    correlation_id: str | None = None,
) -> AdaptationRecord:
    """A record of an adaptation that did not come from a decision (breaker, scaling, human)."""
    return AdaptationRecord(
        new_id("ADP"), at, trigger, service, strategy, actions, rationale, None, None, correlation_id
    )


def of_decision(decision: Decision, done: Sequence[str], trigger: str, correlation_id: str | None) -> AdaptationRecord:
    return AdaptationRecord(
        decision.id,
        decision.decided_at,
        trigger,
        decision.service,
        decision.strategy,
        tuple(done),
        decision.rationale,
        decision.anomaly_class,
        decision.alert_id,
        correlation_id,
    )


class Journal:
    def __init__(self, size: int = 50, store: Store | None = None) -> None:
        if size < 1:
            raise InvalidInputError("log_size", "must be >= 1")
        self._store = store
        self._recent: deque[AdaptationRecord] = deque(maxlen=size)
        if store is not None:
            rows = store.list(COLLECTION)
            self._recent.extend(from_record(AdaptationRecord, row) for row in rows[-size:])

    def add(self, record: AdaptationRecord) -> None:
        self._recent.append(record)
        if self._store is not None:
            self._store.put(COLLECTION, record.id, to_record(record))

    def recent(self) -> tuple[AdaptationRecord, ...]:
        """Newest last."""
        return tuple(self._recent)
