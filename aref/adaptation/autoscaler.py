"""Replica bookkeeping per service around the pure ``ScalingPolicy``.

Tracks the replica count the runtime observed (``current``), the count adaptation last asked
for (``desired``), when it last asked (for the cooldown) and the latest load signals. Load
older than ``stale_after_seconds`` is ignored, so a silent service is never scaled on old data.
A request for the count already pending is not repeated. A count a human sets is a floor: the
policy may scale above it, never below, until a human sets another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aref.adaptation.scaling import LoadSignals, ScaleDecision, ScalingPolicy
from aref.errors import InvalidInputError, NotFoundError


@dataclass(frozen=True)
class ReplicaState:
    service: str
    current: int
    desired: int
    last_scaled_at: float | None = None
    reason: str = ""
    load: LoadSignals | None = None
    load_at: float | None = None
    floor: int = 0


class Autoscaler:
    def __init__(self, services: Sequence[str], policy: ScalingPolicy, *, stale_after_seconds: float = 30.0) -> None:
        if not services:
            raise InvalidInputError("services", "must not be empty")
        if stale_after_seconds <= 0:
            raise InvalidInputError("stale_after_seconds", "must be > 0")
        self.policy = policy
        self.stale_after_seconds = stale_after_seconds
        start = policy.min_replicas
        self._states = {s: ReplicaState(s, start, start) for s in dict.fromkeys(services)}

    def state(self, service: str) -> ReplicaState:
        try:
            return self._states[service]
        except KeyError:
            raise NotFoundError("service", service) from None

    def states(self) -> tuple[ReplicaState, ...]:
        return tuple(self._states.values())

    def set_observed(self, service: str, replicas: int) -> None:
        """The runtime reports the real replica count."""
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            raise InvalidInputError("replicas", "must be an integer >= 0")
        state = self.state(service)
        self._states[service] = dataclasses.replace(state, current=replicas)

    def observe(self, service: str, replicas: int, signals: LoadSignals, at: float) -> None:
        self.set_observed(service, replicas)
        self._states[service] = dataclasses.replace(self._states[service], load=signals, load_at=at)

    def ready(self, service: str, now: float) -> bool:
        """True when the service is out of its scaling cooldown."""
        return not self.policy.in_cooldown(now, self.state(service).last_scaled_at)

    def evaluate(self, now: float) -> list[ScaleDecision]:
        """Run the policy on every service with fresh load; returns the new scale requests."""
        requests = []
        for service, state in self._states.items():
            if state.load is None or state.load_at is None or now - state.load_at > self.stale_after_seconds:
                continue
            decision = self.policy.desired(
                service, state.current, state.load, now=now, last_scaled_at=state.last_scaled_at
            )
            if decision.changed and decision.desired < state.floor:
                decision = dataclasses.replace(
                    decision, desired=state.current, reason=f"hold: a human set {state.floor}"
                )
            if not decision.changed or decision.desired == state.desired:
                self._states[service] = dataclasses.replace(state, reason=decision.reason)
                continue
            requests.append(self._record(decision, now))
        return requests

    def request(self, service: str, desired: int, now: float, reason: str) -> ScaleDecision | None:
        """An explicit request (from a strategy), clamped to the policy bounds; None if nothing changes."""
        state = self.state(service)
        target = self.policy.clamp(desired)
        if target == state.current or target == state.desired:
            return None
        return self._record(ScaleDecision(service, state.current, target, reason), now)

    def set_manual(self, service: str, replicas: int, now: float) -> ScaleDecision:
        """A human sets the count: it becomes the floor and starts a cooldown."""
        target = self.policy.clamp(replicas)
        if target != replicas:
            raise InvalidInputError(
                "replicas", f"must be between {self.policy.min_replicas} and {self.policy.max_replicas}"
            )
        state = self.state(service)
        decision = self._record(ScaleDecision(service, state.current, target, "set by a human"), now)
        self._states[service] = dataclasses.replace(self._states[service], floor=target)
        return decision

    def status(self, now: float) -> dict[str, dict[str, object]]:
        return {
            s.service: {
                "current": s.current,
                "desired": s.desired,
                "min": self.policy.min_replicas,
                "floor": s.floor,
                "max": self.policy.max_replicas,
                "last_scaled_at": s.last_scaled_at,
                "cooling_down": not self.ready(s.service, now),
                "reason": s.reason,
            }
            for s in self._states.values()
        }

    def load(self, saved: Iterable[ReplicaState]) -> None:
        """Reinstate saved desired counts and cooldowns; the runtime re-reports current counts."""
        for state in saved:
            if state.service in self._states:
                self._states[state.service] = dataclasses.replace(
                    self._states[state.service],
                    desired=state.desired,
                    last_scaled_at=state.last_scaled_at,
                    reason=state.reason,
                    floor=state.floor,
                )

    def _record(self, decision: ScaleDecision, now: float) -> ScaleDecision:
        state = self._states[decision.service]
        self._states[decision.service] = dataclasses.replace(
            state, desired=decision.desired, last_scaled_at=now, reason=decision.reason
        )
        return decision
