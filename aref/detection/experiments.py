"""When a deliberate fault is acting: the windows in which burn is an experiment's, not an outage's.

Chaos announces every fault it injects and rolls back (``chaos.fault_injected`` /
``chaos.fault_rolled_back``). From an injection until ``grace_s`` after the last active fault is
rolled back, every request of every service counts as experiment traffic: a fault on payments
fails orders at the gateway too, and a slow service stays slow for a while after its fault ends.
The SLO trackers keep that traffic's burn apart (``SloTracker.budget_outside_experiments``) and
out of their burn-rate alerts, so experiments can run back to back, while burn outside these
windows is an outage's: it pages and still blocks the next experiment. Nothing is remembered
across a restart: after one, a fault still acting counts as an outage until its rollback.
"""

from __future__ import annotations

from dataclasses import dataclass

from aref.errors import InvalidInputError


@dataclass(frozen=True)
class FaultWindowChange:
    """One fault starting (``acting``) or ending at ``at``, as detectors observe it."""

    fault_id: str
    acting: bool
    at: float


class ExperimentWindows:
    def __init__(self, grace_s: float) -> None:
        if grace_s < 0:
            raise InvalidInputError("grace_s", "must be >= 0")
        self._grace_s = grace_s
        self._acting: set[str] = set()
        self._calm_from: float | None = None

    def note(self, change: FaultWindowChange) -> None:
        if change.acting:
            self._acting.add(change.fault_id)
        elif change.fault_id in self._acting:
            self._acting.discard(change.fault_id)
            if not self._acting:
                self._calm_from = change.at + self._grace_s

    def covers(self, at: float) -> bool:
        """Whether a request seen at ``at`` is experiment traffic."""
        return bool(self._acting) or (self._calm_from is not None and at < self._calm_from)

    @property
    def acting(self) -> int:
        """How many faults are acting now."""
        return len(self._acting)
