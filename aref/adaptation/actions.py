"""The actions a strategy plans and the engine executes, as plain values.

A strategy never touches flags, routes or replicas itself: it returns actions, and the engine
applies them to its managers. New strategies compose these kinds; a new kind of action is the
only change that touches the engine's executor.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SetFlag:
    flag: str
    enabled: bool

    def describe(self) -> str:
        return f"{'enable' if self.enabled else 'disable'} {self.flag}"


@dataclass(frozen=True)
class ShiftTraffic:
    service: str
    to_route: str
    percent: int

    def describe(self) -> str:
        return f"shift {self.percent}% of {self.service} traffic to {self.to_route}"


@dataclass(frozen=True)
class Scale:
    service: str
    current: int
    desired: int

    def describe(self) -> str:
        return f"scale {self.service} from {self.current} to {self.desired} replicas"


@dataclass(frozen=True)
class Escalate:
    reason: str

    def describe(self) -> str:
        return "escalate to recovery"


Action = SetFlag | ShiftTraffic | Scale | Escalate
