"""Applies planned actions to the flag, traffic and replica managers, and publishes adaptation events.

Every effective change becomes one event (``adaptation.flag_changed``, ``traffic_shifted``,
``scale_requested``) carrying the correlation id it is given; an action that changes nothing
publishes nothing. ``Escalate`` is only described here: the engine decides when to escalate and
publishes it through ``escalate``. This module is the single place adaptation payloads are built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aref.adaptation.actions import Action, Escalate, Scale, SetFlag, ShiftTraffic
from aref.adaptation.autoscaler import Autoscaler
from aref.adaptation.decision_tree import Decision
from aref.adaptation.feature_flags import Actor, FeatureFlagManager, FlagChange
from aref.adaptation.scaling import ScaleDecision
from aref.adaptation.traffic import TrafficChange, TrafficShifter
from aref.adaptation.window import AdaptationWindow
from aref.clock import Clock
from aref.events import Event, EventCategory, EventSink, Severity

SOURCE = "adaptation"


class Executor:
    def __init__(
        self,
        flags: FeatureFlagManager,
        traffic: TrafficShifter,
        autoscaler: Autoscaler,
        clock: Clock,
        sink: EventSink,
    ) -> None:
        self.flags = flags
        self.traffic = traffic
        self.autoscaler = autoscaler
        self._clock = clock
        self._sink = sink

    def emit(
        self,
        type: str,
        payload: Mapping[str, Any],
        correlation_id: str | None,
        severity: Severity = Severity.INFO,
    ) -> None:
        self._sink.emit(
            Event.create(
                EventCategory.ADAPTATION,
                type,
                source=SOURCE,
                clock=self._clock,
                severity=severity,
                payload=payload,
                correlation_id=correlation_id,
            )
        )

    def execute(self, actions: Sequence[Action], *, correlation_id: str | None, reason: str) -> list[str]:
        """Apply ``actions`` in order; returns the descriptions of those that took effect."""
        done: list[str] = []
        for action in actions:
            if isinstance(action, SetFlag):
                flag = self.flags.set(action.flag, action.enabled, actor=Actor.AUTO, reason=reason)
                if flag is not None:
                    self.flag_changed(flag, correlation_id)
                    done.append(action.describe())
            elif isinstance(action, ShiftTraffic):
                shift = self.traffic.shift(action.service, action.to_route, action.percent)
                if shift is not None:
                    self.traffic_shifted(shift, correlation_id, reason)
                    done.append(action.describe())
            elif isinstance(action, Scale):
                scale = self.autoscaler.request(action.service, action.desired, self._clock.now(), reason)
                if scale is not None:
                    self.scale_requested(scale, correlation_id)
                    done.append(action.describe())
            elif isinstance(action, Escalate):
                done.append(action.describe())
        return done

    def strategy_executed(
        self, decision: Decision, done: Sequence[str], correlation_id: str | None, trigger: str
    ) -> None:
        payload = {
            "strategy": decision.strategy,
            "service": decision.service,
            "anomaly_class": decision.anomaly_class.value,
            "actions": list(done),
            "alert_id": decision.alert_id,
            "decision_id": decision.id,
            "impact": decision.impact,
            "candidates": list(decision.candidates),
            "scope": list(decision.scope.members),
            "rationale": decision.rationale,
            "trigger": trigger,
        }
        self.emit("strategy_executed", payload, correlation_id, Severity.WARNING)

    def breaker_action(self, strategy: str, change: TrafficChange, correlation_id: str | None, reason: str) -> str:
        """Publish a breaker-driven traffic change and its strategy; returns the action's description."""
        action = f"set {change.service} weights to {dict(change.weights)}"
        self.traffic_shifted(change, correlation_id, reason)
        payload = {
            "strategy": strategy,
            "service": change.service,
            "anomaly_class": None,
            "actions": [action],
            "alert_id": None,
            "trigger": "breaker",
            "rationale": reason,
        }
        self.emit("strategy_executed", payload, correlation_id, Severity.WARNING)
        return action

    def escalate(self, window: AdaptationWindow, reason: str, window_seconds: float) -> None:
        payload = {
            "service": window.service,
            "alert_id": window.alert_id,
            "reason": reason,
            "metric": window.metric,
            "severity": window.severity.value,
            "anomaly_class": window.anomaly_class.value,
            "strategy": window.strategy,
            "window_opened_at": window.opened_at,
            "window_seconds": window_seconds,
        }
        severity = Severity.EMERGENCY if window.severity == Severity.EMERGENCY else Severity.CRITICAL
        self.emit("escalate_to_recovery", payload, window.correlation_id, severity)

    def flag_changed(self, change: FlagChange, correlation_id: str | None) -> None:
        payload = {
            "flag": change.flag,
            "service": change.service,
            "enabled": change.enabled,
            "reason": change.reason,
            "actor": change.actor.value,
        }
        self.emit("flag_changed", payload, correlation_id)

    def traffic_shifted(self, change: TrafficChange, correlation_id: str | None, reason: str) -> None:
        payload = {
            "service": change.service,
            "weights": dict(change.weights),
            "previous": dict(change.previous),
            "reason": reason,
        }
        self.emit("traffic_shifted", payload, correlation_id, Severity.WARNING)

    def scale_requested(self, decision: ScaleDecision, correlation_id: str | None) -> None:
        payload = {
            "service": decision.service,
            "current": decision.current,
            "desired": decision.desired,
            "reason": decision.reason,
        }
        self.emit("scale_requested", payload, correlation_id)
