"""Adaptation windows: how long adaptation may try before recovery takes over.

Acting on an alert opens a window of ``window_seconds``. It closes exactly once:
MITIGATED when the alert resolves first, ESCALATED when the deadline is reached
(``now >= deadline``) or adaptation gives up early. ``due`` returns each expired window once.
Closed windows are kept in a bounded history for the dashboard.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import AnomalyClass


class WindowState(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class AdaptationWindow:
    alert_id: str
    service: str
    metric: str
    severity: Severity
    strategy: str
    anomaly_class: AnomalyClass
    opened_at: float
    deadline: float
    correlation_id: str | None = None
    state: WindowState = WindowState.OPEN
    closed_at: float | None = None
    reassessed: bool = False

    def to_status(self, now: float) -> dict[str, object]:
        return {
            "alert_id": self.alert_id,
            "service": self.service,
            "metric": self.metric,
            "severity": self.severity.value,
            "strategy": self.strategy,
            "anomaly_class": self.anomaly_class.value,
            "opened_at": self.opened_at,
            "deadline": self.deadline,
            "remaining_seconds": max(0.0, self.deadline - now) if self.state == WindowState.OPEN else 0.0,
            "state": self.state.value,
            "closed_at": self.closed_at,
            "correlation_id": self.correlation_id,
        }


class WindowTracker:
    def __init__(self, window_seconds: float, history_size: int = 50) -> None:
        if window_seconds <= 0:
            raise InvalidInputError("window_seconds", "must be > 0")
        if history_size < 1:
            raise InvalidInputError("history_size", "must be >= 1")
        self.window_seconds = window_seconds
        self._open: dict[str, AdaptationWindow] = {}
        self._closed: deque[AdaptationWindow] = deque(maxlen=history_size)

    def open(
        self,
        *,
        alert_id: str,
        service: str,
        metric: str,
        severity: Severity,
        strategy: str,
        anomaly_class: AnomalyClass,
        now: float,
        correlation_id: str | None = None,
    ) -> AdaptationWindow:
        """Open a window for an alert; an alert that already has an open window keeps it."""
        existing = self._open.get(alert_id)
        if existing is not None:
            return existing
        window = AdaptationWindow(
            alert_id, service, metric, severity, strategy, anomaly_class, now, now + self.window_seconds, correlation_id
        )
        self._open[alert_id] = window
        return window

    def get(self, alert_id: str) -> AdaptationWindow | None:
        return self._open.get(alert_id)

    def active(self) -> tuple[AdaptationWindow, ...]:
        return tuple(self._open.values())

    def closed(self) -> tuple[AdaptationWindow, ...]:
        return tuple(self._closed)

    def update(self, window: AdaptationWindow) -> None:
        """Replace an open window (e.g. after reassessment); the deadline stays the first one."""
        current = self._open.get(window.alert_id)
        if current is not None:
            self._open[window.alert_id] = dataclasses.replace(window, deadline=current.deadline)

    def resolve(self, alert_id: str, now: float) -> AdaptationWindow | None:
        """The alert resolved: close its window as mitigated. None when no window is open."""
        return self._close(alert_id, WindowState.MITIGATED, now)

    def escalate(self, alert_id: str, now: float) -> AdaptationWindow | None:
        """Give up early: close the window as escalated. None when no window is open."""
        return self._close(alert_id, WindowState.ESCALATED, now)

    def due(self, now: float) -> list[AdaptationWindow]:
        """Close and return every open window whose deadline has been reached."""
        expired = [w.alert_id for w in self._open.values() if now >= w.deadline]
        return [w for a in expired if (w := self._close(a, WindowState.ESCALATED, now)) is not None]

    def load(self, windows: Iterable[AdaptationWindow]) -> None:
        """Reinstate saved open windows (after a restart); their deadlines are kept."""
        for window in windows:
            if window.state == WindowState.OPEN:
                self._open.setdefault(window.alert_id, window)

    def _close(self, alert_id: str, state: WindowState, now: float) -> AdaptationWindow | None:
        window = self._open.pop(alert_id, None)
        if window is None:
            return None
        closed = dataclasses.replace(window, state=state, closed_at=now)
        self._closed.append(closed)
        return closed
