"""Alert-fatigue statistics over a sliding week.

Two symptoms of a noisy pager: more alerts per week than the budget, and too few alerts leading
to an action. ``alerts_per_action`` is compared with the target ratio from settings (at most
that many alerts per actioned alert); the ratio is judged only once ``min_alerts`` alerts fired
in the window, so one unactioned alert is not called fatigue. Alerts older than the window are
forgotten as new ones are recorded, and at most ``MAX_KEPT`` are kept (the oldest go first), so
memory stays bounded whether or not anyone reads the statistics.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from aref.errors import InvalidInputError

WEEK_SECONDS = 7 * 86400.0
MAX_KEPT = 50_000


@dataclass(frozen=True)
class FatigueStats:
    alerts_in_window: int
    max_per_week: int
    over_budget: bool
    actioned: int
    action_fraction: float | None
    alerts_per_action: float | None
    target_alerts_per_action: float
    ratio_breached: bool
    fatigued: bool


class FatigueMonitor:
    def __init__(
        self,
        max_per_week: int,
        target_alerts_per_action: float,
        min_alerts: int = 10,
        window_seconds: float = WEEK_SECONDS,
    ) -> None:
        if max_per_week < 1:
            raise InvalidInputError("max_per_week", "must be >= 1")
        if target_alerts_per_action <= 0:
            raise InvalidInputError("target_alerts_per_action", "must be > 0")
        if min_alerts < 1:
            raise InvalidInputError("min_alerts", "must be >= 1")
        if window_seconds <= 0:
            raise InvalidInputError("window_seconds", "must be > 0")
        self._max_per_week = max_per_week
        self._target = target_alerts_per_action
        self._min_alerts = min_alerts
        self._window = window_seconds
        self._fired: OrderedDict[str, float] = OrderedDict()  # alert id -> fired_at, oldest first
        self._actioned: set[str] = set()

    def record(self, alert_id: str, fired_at: float, actioned: bool = False) -> None:
        self._fired[alert_id] = fired_at
        if actioned:
            self._actioned.add(alert_id)
        self._forget_before(fired_at - self._window)
        while len(self._fired) > MAX_KEPT:
            self._actioned.discard(self._fired.popitem(last=False)[0])

    @property
    def kept(self) -> int:
        return len(self._fired)

    def mark_actioned(self, alert_id: str) -> bool:
        """Count an alert as having led to an action; ``False`` if it is not in the window."""
        if alert_id not in self._fired:
            return False
        self._actioned.add(alert_id)
        return True

    def stats(self, now: float) -> FatigueStats:
        self._forget_before(now - self._window)
        total, actioned = len(self._fired), len(self._actioned)
        per_action = total / actioned if actioned else None
        over_budget = total > self._max_per_week * self._window / WEEK_SECONDS
        ratio_breached = total >= self._min_alerts and (per_action is None or per_action > self._target)
        return FatigueStats(
            alerts_in_window=total,
            max_per_week=self._max_per_week,
            over_budget=over_budget,
            actioned=actioned,
            action_fraction=actioned / total if total else None,
            alerts_per_action=per_action,
            target_alerts_per_action=self._target,
            ratio_breached=ratio_breached,
            fatigued=over_budget or ratio_breached,
        )

    def _forget_before(self, cutoff: float) -> None:
        while self._fired:
            alert_id, fired_at = next(iter(self._fired.items()))
            if fired_at >= cutoff:
                return
            del self._fired[alert_id]
            self._actioned.discard(alert_id)
