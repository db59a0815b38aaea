"""AdaptationEngine: the Adaptation pillar's facade.

On ``detection.alert_fired`` it runs the decision tree, executes the chosen strategy against
flags, traffic and replicas (one event per effect, then one ``adaptation.strategy_executed``)
and opens an adaptation window. An emergency or escalating anomaly escalates at once; a window
that reaches its deadline unresolved publishes ``adaptation.escalate_to_recovery`` exactly once;
``detection.alert_resolved`` closes it as mitigated. A transient anomaly still open after the
classifier's persistence threshold is re-decided once, and so is one only watched (``observe``)
once a caller of its service alerts too: the breach has spread. An opened breaker on an edge ``X->dep``
fails ``dep`` over to its backup route; when all breakers into ``dep`` close, that shift is undone.
An alert reporting an SLO's error budget spent past ``feature_flag_error_budget_trigger`` switches
off the service's non-critical flags until the budget is back under it (``aref.adaptation.budget``).
Flags it shed come back once their service has had no open alert for ``restore_after_seconds``
(``aref.adaptation.relief``).
Every event emitted in response keeps the triggering event's correlation id. Malformed events
are skipped and listed under ``rejected_events`` in ``status()``.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from aref import topics
from aref.adaptation import journal
from aref.adaptation.budget import BudgetChange
from aref.adaptation.capacity import ClusterCapacity
from aref.adaptation.classify import AnomalyClassifier
from aref.adaptation.context import blast_radius
from aref.adaptation.controls import Controls
from aref.adaptation.decision_tree import Decision, DecisionTree
from aref.adaptation.effect import Verdict
from aref.adaptation.executor import Executor
from aref.adaptation.facts import AdaptationFacts
from aref.adaptation.feature_flags import Actor, FeatureFlag
from aref.adaptation.history import AlertHistory
from aref.adaptation.journal import Journal
from aref.adaptation.persistence import SnapshotStore
from aref.adaptation.relief import ShedRelief
from aref.adaptation.scaling import LoadSignals
from aref.adaptation.signals import AlertSignal, BreakerSignal, Resolution
from aref.adaptation.strategies import DEFAULT_STRATEGIES, Observe, Strategy
from aref.adaptation.traffic import TrafficChange
from aref.adaptation.window import AdaptationWindow, WindowTracker
from aref.clock import Clock
from aref.config import AdaptationSettings
from aref.errors import InvalidInputError
from aref.events import Event, EventSink
from aref.models import AnomalyClass, DetectionClass
from aref.records import to_record
from aref.store.protocol import Store
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph

TOTALS = ("decisions", "escalations", "mitigated", "breaker_shifts", "scale_requests", "rejected")


class AdaptationEngine:
    SUBSCRIBES: ClassVar[tuple[str, ...]] = (
        topics.ALERT_FIRED,
        topics.ALERT_RESOLVED,
        topics.BREAKER_OPENED,
        topics.BREAKER_CLOSED,
    )

    def __init__(
        self,
        settings: AdaptationSettings,
        clock: Clock,
        sink: EventSink,
        store: Store | None = None,
        services: Sequence[str] = SERVICES,
        *,
        topology: DependencyGraph = DEMO_TOPOLOGY,
        classifier: AnomalyClassifier | None = None,
        strategies: Sequence[Strategy] = DEFAULT_STRATEGIES,
        log_size: int = 50,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self.controls = Controls.from_settings(services, clock, settings)
        self.flags = self.controls.flags
        self.traffic = self.controls.traffic
        self.failover = self.controls.failover
        self.autoscaler = self.controls.autoscaler
        self.windows = WindowTracker(settings.adaptation_window_seconds, history_size=log_size)
        self.history = AlertHistory()
        self._relief = ShedRelief(settings.restore_after_seconds)
        self._last_episode: dict[str, str | None] = {}  # service -> correlation id of its last resolved alert
        self.tree = DecisionTree(topology, classifier, strategies)
        self._exec = Executor(self.flags, self.traffic, self.autoscaler, clock, sink)
        self._journal = Journal(log_size, store)
        self._snapshots = SnapshotStore(store)
        self._totals = dict.fromkeys(TOTALS, 0)
        self._rejected: deque[dict[str, str]] = deque(maxlen=20)
        self._handlers: dict[str, Callable[[Event], None]] = {
            topics.ALERT_FIRED: self._on_alert_fired,
            topics.ALERT_RESOLVED: self._on_alert_resolved,
            topics.BREAKER_OPENED: self._on_breaker_opened,
            topics.BREAKER_CLOSED: self._on_breaker_closed,
        }
        snapshot = self._snapshots.load()
        if snapshot is not None:
            self.controls.load(snapshot)
            self.windows.load(snapshot.windows)
            self._totals.update({k: v for k, v in snapshot.totals.items() if k in self._totals})

    def handle(self, events: Sequence[Event]) -> None:
        for event in events:
            handler = self._handlers.get(event.topic)
            if handler is None:
                continue
            try:
                handler(event)
            except InvalidInputError as exc:
                self._totals["rejected"] += 1
                self._rejected.append({"topic": event.topic, "event_id": event.id, "error": str(exc)})
        self._commit()

    def tick(self) -> None:
        now = self._clock.now()
        for window in self.windows.due(now):
            reason = f"adaptation window of {self.windows.window_seconds:g}s passed without mitigation"
            self._escalate(window, reason)
        for window in self.windows.active():
            self._reassess(window, now)
        self._relieve(now)
        for decision in self.autoscaler.evaluate(now):
            self._totals["scale_requests"] += 1
            self._exec.scale_requested(decision, None)
            self._log("scaling", decision.service, "autoscale", (f"scale to {decision.desired}",), decision.reason)
        for verdict in self.autoscaler.take_verdicts():
            self._log_verdict(verdict)
        self.history.prune(now)
        self._commit()

    def facts(self) -> AdaptationFacts:
        """What adaptation has in place and did, as measured (see ``aref.adaptation.facts``)."""
        return AdaptationFacts(
            feature_flags=len({f.name for f in self.flags.flags()}),
            has_traffic_shifting=bool(self.traffic.snapshot()),
            automated_scaling=bool(self.autoscaler.states()),
            decisions=self._totals["decisions"],
            escalations=self._totals["escalations"],
            adaptations=tuple((r.alert_id, r.at) for r in self._journal.recent() if r.alert_id is not None),
        )

    def status(self) -> dict[str, Any]:
        now = self._clock.now()
        return {
            "version": self.controls.version,
            "flags": {f.name: f.to_status() for f in self.flags.flags()},
            "traffic": self.traffic.snapshot(),
            "scaling": self.autoscaler.status(now),
            "autoscaler": self.autoscaler.summary(now),
            "windows": {
                "active": [w.to_status(now) for w in self.windows.active()],
                "recent": [w.to_status(now) for w in self.windows.closed()],
                "window_seconds": self.windows.window_seconds,
            },
            "adaptations": [to_record(r) for r in self._journal.recent()],
            "open_breakers": {dep: list(names) for dep, names in self.failover.open_breakers().items()},
            "strategies": [{"name": s.name, "impact": s.impact, "purpose": s.purpose} for s in self.tree.strategies],
            "totals": dict(self._totals),
            "rejected_events": list(self._rejected),
            "error_budget": {
                "trigger": self.controls.budget.trigger,
                "frozen": [to_record(f) for f in self.controls.budget.states()],
            },
        }

    def toggle_flag(self, name: str, enabled: bool, actor: str = "human") -> FeatureFlag:
        change = self.flags.set(name, enabled, actor=actor, reason=f"{actor} toggle")
        if change is not None:
            self._exec.flag_changed(change, None)
            action = f"{'enable' if enabled else 'disable'} {name}"
            self._log(change.actor.value, change.service, "toggle_flag", (action,), change.reason)
        self._commit()
        return self.flags.get(name)

    def restore(self, service: str) -> None:
        """Undo adaptation on ``service``: re-enable the flags it shed and send traffic back to the primary."""
        for flag in self.flags.restore(service, reason="restored by a human"):
            self._exec.flag_changed(flag, None)
        route = self.traffic.restore(service)
        if route is not None:
            self._exec.traffic_shifted(route, None, "restored by a human")
        self._log("human", service, "restore", (f"restore {service}",), "restored by a human")
        self._commit()

    def set_weights(self, service: str, weights: Mapping[str, int]) -> dict[str, int]:
        change = self.traffic.set_weights(service, weights)
        if change is not None:
            self._exec.traffic_shifted(change, None, "human override")
            self._log("human", service, "set_weights", (f"weights {dict(change.weights)}",), "human override")
        self._commit()
        return self.traffic.weights(service)

    def scale_manually(self, service: str, replicas: int) -> None:
        """A human sets the replica count: the runtime applies it, the autoscaler keeps it as a floor."""
        self.autoscaler.set_manual(service, replicas, self._clock.now())
        self._log("human", service, "scale", (f"scale to {replicas}",), "set by a human")
        self._commit()

    def set_replicas_observed(self, service: str, replicas: int) -> None:
        self.autoscaler.set_observed(service, replicas)
        self._commit()

    def observe_load(
        self,
        service: str,
        replicas: int,
        request_rate: float,
        latency_p99: float,
        error_rate: float,
        ongoing_per_replica: float = 0.0,
        latency_mean_ms: float = 0.0,
    ) -> None:
        """Feed one load sample (req/s, p99 and mean ms, in flight per replica); decided on the next tick."""
        signals = LoadSignals(ongoing_per_replica, latency_p99, error_rate, request_rate, latency_mean_ms)
        self.autoscaler.observe(service, replicas, signals, self._clock.now())
        self._commit()

    def observe_capacity(self, capacity: ClusterCapacity) -> None:
        """What the cluster can place, as the runtime measured it."""
        self.autoscaler.set_capacity(capacity)

    def set_autoscale(self, enabled: bool, actor: str = "human") -> None:
        """Switch automatic scaling (the policy's and the strategies') on or off."""
        self.autoscaler.set_enabled(enabled)
        self._log(actor, "*", "autoscale", (f"autoscale {'on' if enabled else 'off'}",), f"set by a {actor}")
        self._commit()

    def _log_verdict(self, verdict: Verdict) -> None:
        strategy = "autoscale_effective" if verdict.effective else "autoscale_ineffective"
        judged = "effective" if verdict.effective else "ineffective"
        action = f"scale-out {verdict.previous}->{verdict.desired} judged {judged}"
        self._log("scaling", verdict.service, strategy, (action,), verdict.reason)

    def _on_alert_fired(self, event: Event) -> None:
        signal = AlertSignal.from_event(event)
        if signal.alert_id not in self.history and self.windows.get(signal.alert_id) is None:
            self._answer(signal, event)
        # after the decision tree, so it decides as before; an escalation reports a fresh budget too
        self._budget_changed(self.controls.budget.observe(signal), event.correlation_id)

    def _answer(self, signal: AlertSignal, event: Event) -> None:
        now = self._clock.now()
        self.history.record(signal)
        decision = self._decide(signal, now)
        self._act(decision, event.correlation_id, "alert")
        window = self.windows.open(
            alert_id=signal.alert_id,
            service=signal.service,
            metric=signal.metric,
            severity=signal.severity,
            strategy=decision.strategy,
            anomaly_class=decision.anomaly_class,
            now=now,
            correlation_id=event.correlation_id,
        )
        if decision.escalates:
            self._escalate_now(window, decision, now)
        self._spread_to(signal.service, now)

    def _on_alert_resolved(self, event: Event) -> None:
        resolution = Resolution.from_event(event)
        self.history.resolve(resolution.alert_id, resolution.resolved_at)
        self._last_episode[resolution.service] = event.correlation_id
        if self.windows.resolve(resolution.alert_id, self._clock.now()) is not None:
            self._totals["mitigated"] += 1
        self._budget_changed(
            self.controls.budget.resolved(resolution.alert_id, resolution.service), event.correlation_id
        )

    def _budget_changed(self, change: BudgetChange | None, correlation_id: str | None) -> None:
        """Publish and log what the error-budget policy switched (``Actor.AUTO`` flag changes)."""
        if change is None or not change.changes:
            return
        for flag in change.changes:
            self._exec.flag_changed(flag, correlation_id)
        actions = tuple(f"{'enable' if c.enabled else 'disable'} {c.flag}" for c in change.changes)
        strategy = "error_budget_freeze" if change.frozen else "error_budget_restore"
        self._log("auto", change.service, strategy, actions, change.reason, correlation_id)

    def _on_breaker_opened(self, event: Event) -> None:
        breaker = BreakerSignal.from_event(event)
        change = self.failover.opened(breaker)
        if change is not None:
            self._totals["breaker_shifts"] += 1
            self._breaker_action("shift_traffic", change, event, f"circuit breaker {breaker.breaker} opened")

    def _on_breaker_closed(self, event: Event) -> None:
        breaker = BreakerSignal.from_event(event)
        change = self.failover.closed(breaker)
        if change is not None:
            self._breaker_action("restore_traffic", change, event, f"circuit breaker {breaker.breaker} closed")

    def _decide(self, signal: AlertSignal, now: float) -> Decision:
        chain = self.history.chain(signal.service, signal.metric, now)
        return self.tree.decide(signal, chain, self.controls.state_of, now, self.history.alerting_services())

    def _act(self, decision: Decision, correlation_id: str | None, trigger: str) -> None:
        reason = f"{decision.strategy} for alert {decision.alert_id}"
        done = self._exec.execute(decision.actions, correlation_id=correlation_id, reason=reason)
        self._totals["decisions"] += 1
        self._exec.strategy_executed(decision, done, correlation_id, trigger)
        self._journal.add(journal.of_decision(decision, done, trigger, correlation_id))

    def _reassess(self, window: AdaptationWindow, now: float) -> None:
        """Re-decide a transient anomaly once it has lasted long enough to count as persistent."""
        signal = self.history.get(window.alert_id)
        persistent_after = self.tree.classifier.persistent_after_seconds
        if window.anomaly_class == AnomalyClass.TRANSIENT and signal and now - signal.onset_at >= persistent_after:
            self._redecide(window, now, "reassessment")

    def _spread_to(self, caller: str, now: float) -> None:
        """Re-decide every live breach adaptation only watches whose blast radius holds ``caller``."""
        for window in self.windows.active():
            signal = self.history.get(window.alert_id)
            watched = window.strategy == Observe.name and signal and signal.detection_class != DetectionClass.SLO_BURN
            if watched and caller in blast_radius(self.tree.graph, window.service).dependents:
                self._redecide(window, now, "spread")

    def _redecide(self, window: AdaptationWindow, now: float, trigger: str) -> None:
        """Decide an open window's alert again, once: its breach persisted or spread to a caller."""
        signal = self.history.get(window.alert_id)
        if window.reassessed or signal is None:
            return
        decision = self._decide(signal, now)
        self._act(decision, window.correlation_id, trigger)
        self.windows.update(
            dataclasses.replace(
                window, strategy=decision.strategy, anomaly_class=decision.anomaly_class, reassessed=True
            )
        )
        if decision.escalates:
            self._escalate_now(window, decision, now)

    def _escalate_now(self, window: AdaptationWindow, decision: Decision, now: float) -> None:
        closed = self.windows.escalate(window.alert_id, now)
        if closed is not None:
            self._escalate(closed, decision.escalation_reason or decision.rationale)

    def _escalate(self, window: AdaptationWindow, reason: str) -> None:
        self._totals["escalations"] += 1
        self._exec.escalate(window, reason, self.windows.window_seconds)

    def _breaker_action(self, strategy: str, change: TrafficChange, event: Event, reason: str) -> None:
        action = self._exec.breaker_action(strategy, change, event.correlation_id, reason)
        self._log("breaker", change.service, strategy, (action,), reason, event.correlation_id)

    def _relieve(self, now: float) -> None:
        """Switch back on what adaptation shed of services quiet for the hold (not budget-frozen ones)."""
        shed = {f.service for f in self.flags.flags() if not f.enabled and f.changed_by == Actor.AUTO}
        shed -= {s for s in shed if self.controls.budget.frozen(s)}
        hold = self._relief.hold_seconds
        for service in self._relief.due(shed, self.history.open_services(), now):
            reason = f"no alert on {service} for {hold:g}s: shed load restored"
            changes = self.flags.restore(service, reason=reason)
            cid = self._last_episode.get(service)
            for change in changes:
                self._exec.flag_changed(change, cid)
            if changes:
                actions = tuple(f"enable {c.flag}" for c in changes)
                self._log("auto", service, "restore_shed_load", actions, reason, cid)

    def _log(
        self,
        trigger: str,
        service: str,
        strategy: str,
        actions: tuple[str, ...],
        rationale: str,
        correlation_id: str | None = None,
    ) -> None:
        now = self._clock.now()
        self._journal.add(journal.note(now, trigger, service, strategy, actions, rationale, correlation_id))

    def _commit(self) -> None:
        """Bump the control-state version on any change and persist the snapshot."""
        self.controls.commit()
        self._snapshots.save(self.controls.snapshot(self.windows.active(), self._totals))
