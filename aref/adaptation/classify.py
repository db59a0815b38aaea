"""Step 2 of the decision tree: classify an anomaly as transient, persistent or escalating.

Rules, first match wins, over the alerts of the same service and metric in the history window:

- ESCALATING: the previous alert of the chain was less severe, or equally severe with a value at
  least ``escalation_growth`` worse (further past the threshold in the breach direction);
- PERSISTENT: the breach has lasted ``persistent_after_seconds`` (now - onset), or the chain holds
  ``recurrence_count`` alerts (a flapping signal is a persistent one);
- TRANSIENT: otherwise, a short single breach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aref.adaptation.history import AlertEntry
from aref.adaptation.signals import AlertSignal
from aref.errors import InvalidInputError
from aref.models import AnomalyClass


@dataclass(frozen=True)
class Classification:
    anomaly_class: AnomalyClass
    reason: str


@dataclass(frozen=True)
class AnomalyClassifier:
    persistent_after_seconds: float = 60.0
    recurrence_count: int = 3
    escalation_growth: float = 0.25

    def __post_init__(self) -> None:
        if self.persistent_after_seconds <= 0:
            raise InvalidInputError("persistent_after_seconds", "must be > 0")
        if self.recurrence_count < 2:
            raise InvalidInputError("recurrence_count", "must be >= 2")
        if not 0 < self.escalation_growth < 1:
            raise InvalidInputError("escalation_growth", "must be between 0 and 1 (exclusive)")

    def classify(self, signal: AlertSignal, chain: Sequence[AlertEntry], now: float) -> Classification:
        """Classify ``signal`` given the alerts of its service and metric (``AlertHistory.chain``)."""
        earlier = [
            e.signal for e in chain if e.signal.alert_id != signal.alert_id and e.signal.fired_at <= signal.fired_at
        ]
        if earlier:
            prev = earlier[-1]
            if signal.severity.rank > prev.severity.rank:
                return Classification(
                    AnomalyClass.ESCALATING,
                    f"severity rose from {prev.severity.value} to {signal.severity.value}",
                )
            if signal.severity.rank == prev.severity.rank and self._worse(prev, signal):
                return Classification(
                    AnomalyClass.ESCALATING,
                    f"value worsened from {prev.value:g} to {signal.value:g}",
                )
        lasted = now - signal.onset_at
        if lasted >= self.persistent_after_seconds:
            return Classification(
                AnomalyClass.PERSISTENT,
                f"breach sustained {lasted:g}s (>= {self.persistent_after_seconds:g}s)",
            )
        count = len({e.signal.alert_id for e in chain} | {signal.alert_id})
        if count >= self.recurrence_count:
            return Classification(AnomalyClass.PERSISTENT, f"{count} alerts on {signal.metric} within the window")
        return Classification(AnomalyClass.TRANSIENT, f"single breach of {lasted:g}s")

    def _worse(self, prev: AlertSignal, cur: AlertSignal) -> bool:
        if cur.value >= cur.threshold:
            return prev.value > 0 and cur.value >= prev.value * (1 + self.escalation_growth)
        return cur.value <= prev.value * (1 - self.escalation_growth)
