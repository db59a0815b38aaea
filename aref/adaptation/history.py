"""Recent alerts per service: the memory the anomaly classifier reads.

Keeps fired alerts (and when each resolved) for ``window_seconds``; open alerts are kept until
they resolve. The history is bounded by ``max_entries`` so lost resolutions cannot grow it
without limit (the oldest entries go first).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass

from aref.adaptation.signals import AlertSignal
from aref.errors import InvalidInputError
from aref.models import DetectionClass


@dataclass(frozen=True)
class AlertEntry:
    signal: AlertSignal
    resolved_at: float | None = None


class AlertHistory:
    """Alerts seen in the last ``window_seconds``, oldest first."""

    def __init__(self, window_seconds: float = 600.0, max_entries: int = 1000) -> None:
        if window_seconds <= 0:
            raise InvalidInputError("window_seconds", "must be > 0")
        if max_entries < 1:
            raise InvalidInputError("max_entries", "must be >= 1")
        self.window_seconds = window_seconds
        self._max = max_entries
        self._entries: OrderedDict[str, AlertEntry] = OrderedDict()

    def __contains__(self, alert_id: object) -> bool:
        return alert_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, signal: AlertSignal) -> None:
        """Remember a fired alert; a redelivered alert id keeps its first record."""
        if signal.alert_id in self._entries:
            return
        self._entries[signal.alert_id] = AlertEntry(signal)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def resolve(self, alert_id: str, at: float) -> bool:
        """Mark an alert resolved; False when it is unknown or already resolved."""
        entry = self._entries.get(alert_id)
        if entry is None or entry.resolved_at is not None:
            return False
        self._entries[alert_id] = dataclasses.replace(entry, resolved_at=at)
        return True

    def prune(self, now: float) -> None:
        """Forget resolved alerts that fired before the window."""
        cutoff = now - self.window_seconds
        for alert_id in [
            k for k, e in self._entries.items() if e.resolved_at is not None and e.signal.fired_at < cutoff
        ]:
            del self._entries[alert_id]

    def chain(self, service: str, metric: str, now: float) -> list[AlertEntry]:
        """Alerts of one service and metric fired within the window (or still open), by fire time."""
        cutoff = now - self.window_seconds
        found = [
            e
            for e in self._entries.values()
            if e.signal.service == service
            and e.signal.metric == metric
            and (e.signal.fired_at >= cutoff or e.resolved_at is None)
        ]
        return sorted(found, key=lambda e: e.signal.fired_at)

    def get(self, alert_id: str) -> AlertSignal | None:
        entry = self._entries.get(alert_id)
        return None if entry is None else entry.signal

    def open_services(self) -> set[str]:
        """Services with an alert that has not resolved."""
        return {e.signal.service for e in self._entries.values() if e.resolved_at is None}

    def alerting_services(self) -> frozenset[str]:
        """Services with an open alert judged on live traffic (an SLO burn ticket is not one)."""
        return frozenset(
            e.signal.service
            for e in self._entries.values()
            if e.resolved_at is None and e.signal.detection_class != DetectionClass.SLO_BURN
        )

    def is_open(self, alert_id: str) -> bool:
        entry = self._entries.get(alert_id)
        return entry is not None and entry.resolved_at is None
