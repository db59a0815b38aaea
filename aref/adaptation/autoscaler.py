"""The autoscaler: per-service bookkeeping around the pure ``ScalingPolicy``, judging its own effect.

Each decision tick (``evaluate``) it:

1. judges the scale-outs whose ``effect_ticks`` are up (``aref.adaptation.effect``); an
   ineffective one is recorded, undone (back to the count before it) and the service is not
   scaled out again until ``down_stabilization_seconds`` have passed;
2. runs the policy on every service with fresh load (older than ``stale_after_seconds`` is
   ignored) and stabilizes its recommendations (``aref.adaptation.stabilizer``);
3. refuses what breaks a rule: below a human's floor, in cooldown, a second change of direction
   within ``down_stabilization_seconds``, a scale-out above what the cluster can place
   (``aref.adaptation.capacity``);
4. asks for at most one change: the neediest service's (largest in-flight ratio to target).

A request for the count already pending is not repeated. ``enabled`` False stops every automatic
change (the policy's and the strategies'); a human can always scale.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aref.adaptation.capacity import ClusterCapacity, Placement
from aref.adaptation.effect import EffectJudge, Verdict
from aref.adaptation.scaling import LoadSignals, ScaleDecision, ScalingPolicy
from aref.adaptation.stabilizer import Stabilizer
from aref.errors import InvalidInputError, NotFoundError
from aref.records import to_record

VERDICTS_KEPT = 20


@dataclass(frozen=True)
class ReplicaState:
    service: str
    current: int
    desired: int
    last_scaled_at: float | None = None
    reason: str = ""
    floor: int = 0
    changes: int = 0
    direction: int = 0
    turns: int = 0
    turned_at: float | None = None
    held_until: float | None = None
    ineffective: int = 0


class Autoscaler:
    def __init__(
        self,
        services: Sequence[str],
        policy: ScalingPolicy,
        *,
        stale_after_seconds: float = 30.0,
        placement: Placement | None = None,
    ) -> None:
        if not services:
            raise InvalidInputError("services", "must not be empty")
        if stale_after_seconds <= 0:
            raise InvalidInputError("stale_after_seconds", "must be > 0")
        self.policy = policy
        self.placement = placement or Placement()
        self.stale_after_seconds = stale_after_seconds
        self.enabled = True
        self.capacity: ClusterCapacity | None = None
        start = policy.min_replicas
        self._states = {s: ReplicaState(s, start, start) for s in dict.fromkeys(services)}
        self._load: dict[str, tuple[LoadSignals, float]] = {}
        self._stabilizer = Stabilizer(policy.up_stabilization_seconds, policy.down_stabilization_seconds)
        self._judge = EffectJudge(policy.effect_ticks, policy.tolerance, policy.up_stabilization_seconds)
        self._verdicts: deque[Verdict] = deque(maxlen=VERDICTS_KEPT)
        self._unreported: list[Verdict] = []
        self._max_requested: dict[str, int] = {}
        self._counted_by_serve: set[str] = set()

    def state(self, service: str) -> ReplicaState:
        try:
            return self._states[service]
        except KeyError:
            raise NotFoundError("service", service) from None

    def states(self) -> tuple[ReplicaState, ...]:
        return tuple(self._states.values())

    def set_observed(self, service: str, replicas: int) -> None:
        """The runtime reports the real replica count (Serve's RUNNING replicas)."""
        self._set_current(service, replicas)
        self._counted_by_serve.add(service)

    def observe(self, service: str, replicas: int, signals: LoadSignals, at: float) -> None:
        """A load sample. Its ``replicas`` (those that reported in the window, stopping ones included)
        stands for the count only until the runtime has reported Serve's: after a scale-down the
        replicas Serve is stopping still report, and counting them read 2 replicas as 5, "outside
        [1, 4]", which the bounds rule then "corrected" up to 4."""
        if service not in self._counted_by_serve:
            self._set_current(service, replicas)
        self._load[service] = (signals, at)
        self._judge.sample(service, at, signals)

    def _set_current(self, service: str, replicas: int) -> None:
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            raise InvalidInputError("replicas", "must be an integer >= 0")
        self._states[service] = dataclasses.replace(self.state(service), current=replicas)

    def set_capacity(self, capacity: ClusterCapacity) -> None:
        self.capacity = capacity

    def placeable(self, service: str, now: float) -> int:
        """The most replicas of ``service`` the cluster can run now (never below its current count)."""
        state = self.state(service)
        return self.placement.placeable(self.capacity, service, state.current, now)

    def ready(self, service: str, now: float) -> bool:
        """True when the service is out of its scaling cooldown."""
        return not self.policy.in_cooldown(now, self.state(service).last_scaled_at)

    def take_verdicts(self) -> list[Verdict]:
        """The verdicts reached since the last call (for the decision history)."""
        verdicts, self._unreported = self._unreported, []
        return verdicts

    def evaluate(self, now: float) -> list[ScaleDecision]:
        """One decision tick; returns at most one new scale request."""
        undo = [d for d in (self._verdict(v, now) for v in self._judge.tick(now)) if d is not None]
        candidates: list[tuple[float, ScaleDecision]] = [(float("inf"), d) for d in undo]
        for service, state in self._states.items():
            loaded = self._load.get(service)
            if loaded is None or now - loaded[1] > self.stale_after_seconds:
                continue
            signals = loaded[0]
            recommended = self.policy.recommend(service, state.current, signals)
            if self.policy.clamp(state.current) != state.current:
                candidates.append((float("inf"), recommended))
                continue
            self._stabilizer.add(service, now, recommended.desired)
            target, why = self._stabilizer.stable(service, state.current, now)
            if target == state.current:
                decision = dataclasses.replace(recommended, desired=target, reason=why or recommended.reason)
            else:
                decision = self._guard(
                    ScaleDecision(service, state.current, target, f"{recommended.reason}; {why}"), now
                )
            if decision.changed and decision.desired != state.desired:
                candidates.append((self.policy.ratio(signals), decision))
            else:
                self._states[service] = dataclasses.replace(state, reason=decision.reason)
        if not self.enabled or not candidates:
            return []
        _, chosen = max(candidates, key=lambda c: c[0])
        return [self._record(chosen, now)]

    def request(self, service: str, desired: int, now: float, reason: str) -> ScaleDecision | None:
        """A strategy's request, clamped and guarded like the policy's; None if nothing changes."""
        state = self.state(service)
        decision = self._guard(ScaleDecision(service, state.current, self.policy.clamp(desired), reason), now)
        if not self.enabled or not decision.changed or decision.desired == state.desired:
            return None
        return self._record(decision, now)

    def set_manual(self, service: str, replicas: int, now: float) -> ScaleDecision:
        """A human sets the count: it becomes the floor and starts a cooldown."""
        target = self.policy.clamp(replicas)
        if target != replicas:
            raise InvalidInputError(
                "replicas", f"must be between {self.policy.min_replicas} and {self.policy.max_replicas}"
            )
        state = self.state(service)
        self._judge.forget(service)
        self._stabilizer.reset(service)
        decision = ScaleDecision(service, state.current, target, "set by a human")
        self._states[service] = dataclasses.replace(state, desired=target, last_scaled_at=now, floor=target)
        self._states[service] = dataclasses.replace(self._states[service], reason=decision.reason)
        return decision

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled

    def status(self, now: float) -> dict[str, dict[str, object]]:
        return {s.service: self._status_of(s, now) for s in self._states.values()}

    def summary(self, now: float) -> dict[str, object]:
        """The autoscaler as a whole: switched on, what the cluster can place, recent verdicts."""
        return {
            "enabled": self.enabled,
            "capacity": self.capacity.to_status() if self.capacity else None,
            "verdicts": [to_record(v) for v in self._verdicts],
        }

    def load(self, saved: Iterable[ReplicaState]) -> None:
        """Reinstate saved desired counts, cooldowns and counters; the runtime re-reports current counts."""
        for state in saved:
            if state.service in self._states:
                current = self._states[state.service].current
                self._states[state.service] = dataclasses.replace(state, current=current)

    def _status_of(self, s: ReplicaState, now: float) -> dict[str, object]:
        loaded = self._load.get(s.service)
        extra, limit = self.placement.extra(self.capacity, s.service, now)
        return {
            "current": s.current,
            "desired": s.desired,
            "min": self.policy.min_replicas,
            "floor": s.floor,
            "max": self.policy.max_replicas,
            "placeable": s.current + extra,
            "placeable_because": limit,
            "max_requested": self._max_requested.get(s.service, s.desired),
            "ongoing_per_replica": round(loaded[0].ongoing_per_replica, 3) if loaded else None,
            "last_scaled_at": s.last_scaled_at,
            "cooling_down": not self.ready(s.service, now),
            "changes": s.changes,
            "direction_changes": s.turns,
            "ineffective": s.ineffective,
            "held_until": s.held_until,
            "judging": self._judge.pending(s.service),
            "reason": s.reason,
        }

    def _guard(self, decision: ScaleDecision, now: float) -> ScaleDecision:
        """Hold a change that breaks a rule (floor, cooldown, direction, hold-out, placement)."""
        state = self._states[decision.service]
        if not decision.changed:
            return decision
        up = decision.desired > decision.current
        hold = None
        if decision.desired < state.floor:
            hold = f"a human set {state.floor}"
        elif self.policy.in_cooldown(now, state.last_scaled_at):
            hold = f"cooldown: {self.policy.cooldown_seconds - (now - (state.last_scaled_at or now)):g}s left"
        elif up and state.held_until is not None and now < state.held_until:
            hold = f"last scale-out was ineffective; no scale-out before {state.held_until:g}"
        elif self._turn_refused(state, 1 if up else -1, now):
            hold = "at most one change of direction per stabilization window"
        elif up and self._judge.pending(decision.service):
            hold = "judging the last scale-out"
        if hold is not None:
            return ScaleDecision(decision.service, decision.current, decision.current, f"hold: {hold}")
        if up:
            extra, limit = self.placement.extra(self.capacity, decision.service, now)
            placeable = decision.current + extra
            if placeable <= decision.current:
                return ScaleDecision(decision.service, decision.current, decision.current, f"hold: {limit}")
            if decision.desired > placeable:
                return dataclasses.replace(decision, desired=placeable, reason=f"{decision.reason}; capped: {limit}")
        return decision

    def _turn_refused(self, state: ReplicaState, direction: int, now: float) -> bool:
        if state.direction in (0, direction) or state.turned_at is None:
            return False
        return now - state.turned_at < self.policy.down_stabilization_seconds

    def _verdict(self, verdict: Verdict, now: float) -> ScaleDecision | None:
        """Record a verdict; an ineffective scale-out is undone (if the count is still its own)."""
        self._verdicts.append(verdict)
        self._unreported.append(verdict)
        state = self._states[verdict.service]
        if verdict.effective:
            return None
        held = now + self.policy.down_stabilization_seconds
        self._states[verdict.service] = state = dataclasses.replace(
            state, ineffective=state.ineffective + 1, held_until=held, reason=f"ineffective: {verdict.reason}"
        )
        back = max(self.policy.clamp(verdict.previous), state.floor)
        if state.desired != verdict.desired or back >= state.desired or self._turn_refused(state, -1, now):
            return None
        return ScaleDecision(verdict.service, state.current, back, f"undo ineffective scale-out: {verdict.reason}")

    def _record(self, decision: ScaleDecision, now: float) -> ScaleDecision:
        state = self._states[decision.service]
        direction = 1 if decision.desired > decision.current else -1
        turned = state.direction not in (0, direction)
        self._states[decision.service] = dataclasses.replace(
            state,
            desired=decision.desired,
            last_scaled_at=now,
            reason=decision.reason,
            changes=state.changes + 1,
            direction=direction,
            turns=state.turns + (1 if turned else 0),
            turned_at=now if turned else state.turned_at,
        )
        self._max_requested[decision.service] = max(self._max_requested.get(decision.service, 0), decision.desired)
        if direction > 0 and decision.current >= 1:
            self._judge.scaled_out(decision.service, decision.current, decision.desired, now)
        return decision
