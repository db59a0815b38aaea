"""AbsorptionEngine: the absorption pillar's facade (shared breakers, guards, blast radius, degradation).

Invariants:
- One shared breaker per edge of the dependency graph, one bulkhead and one token bucket per
  service; degradation tiers are re-derived after every input (reports, events, tick).
- A service's health signals: the error rate its callers see (the worst breaker window into
  it that holds at least ``minimum_calls`` outcomes of the last ``signal_max_age_seconds``: a
  window is a count of calls, so without the age limit old failures would hold a tier for as long
  as nobody calls, or a half-open breaker's first probe would revive the window that opened it),
  how many of its own dependency breakers are not closed, and the most severe of its active
  alerts. A service with callers none of which called it in that time, and no alert, steps down
  without the hold (nothing is flowing that could flap), as one whose alerts ended no_data.
- With a store, breaker decisions are persisted on change (collection ``breakers``) and
  reloaded at construction, so the shared state and its version survive a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from aref.absorption.blast_radius import BlastRadius, blast_radii, blast_radius
from aref.absorption.breaker import BreakerConfig, BreakerSnapshot, BreakerState
from aref.absorption.bulkhead import Bulkhead
from aref.absorption.degradation import DegradationManager, DegradationPolicy, DegradationTier, HealthSignals
from aref.absorption.edges import edge_name
from aref.absorption.facts import AbsorptionFacts, measured_containment
from aref.absorption.rate_limiter import TokenBucket
from aref.absorption.shared_breaker import BreakerDecision, OutcomeReport, SharedBreakerRegistry
from aref.clock import Clock
from aref.config import AbsorptionSettings
from aref.errors import NotFoundError
from aref.events import Event, EventSink, Severity
from aref.records import from_record, to_record
from aref.store import Collection, Store
from aref.topics import ALERT_FIRED, ALERT_RESOLVED, NO_DATA
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph

BREAKERS_COLLECTION = Collection.BREAKERS


class AbsorptionEngine:
    SUBSCRIBES: ClassVar[tuple[str, ...]] = (ALERT_FIRED, ALERT_RESOLVED)

    def __init__(
        self,
        settings: AbsorptionSettings,
        clock: Clock,
        sink: EventSink,
        store: Store | None = None,
        graph: DependencyGraph = DEMO_TOPOLOGY,
        *,
        services: Sequence[str] = SERVICES,
        policy: DegradationPolicy | None = None,
        excluded_errors: frozenset[str] = frozenset(),
    ) -> None:
        self._services = tuple(graph.require(s) for s in services)
        self._settings = settings
        self._clock = clock
        self._store = store
        self._graph = graph
        self._config = BreakerConfig.from_settings(settings, excluded_errors)
        self._registry = SharedBreakerRegistry(self._config, clock, sink, graph.edge_names())
        self._bulkheads = {s: Bulkhead(s, settings.bulkhead_max_concurrent) for s in self._services}
        self._limiters = {
            s: TokenBucket(settings.rate_limit_requests_per_second, settings.rate_limit_burst, clock, name=s)
            for s in self._services
        }
        self._degradation = DegradationManager(self._services, clock, sink, policy)
        self._alerts: dict[str, dict[str, tuple[Severity, str | None]]] = {}
        self._silent: set[str] = set()  # services whose last alert resolved as no_data: no traffic to flap
        self._ignored_events = 0
        self._persisted_version = 0
        self._reported: dict[str, tuple[str, float]] = {}
        if store is not None:
            self._reload(store)

    # inputs

    def apply_reports(self, reports: Iterable[OutcomeReport], *, correlation_id: str | None = None) -> int:
        """Apply replica outcome reports; returns how many were new (duplicates are skipped)."""
        batch = list(reports)
        applied = self._registry.apply_all(batch, correlation_id=correlation_id)
        for report in batch:
            if report.at >= self._reported.get(report.edge, ("", float("-inf")))[1]:
                self._reported[report.edge] = (report.reporter_id, report.at)
        self._settle()
        return applied

    def handle(self, events: Sequence[Event]) -> None:
        """Alerts raise (and their resolution lowers) the degradation floor of their service."""
        for event in events:
            if event.topic not in self.SUBSCRIBES or not self._track_alert(event):
                self._ignored_events += 1
        self._settle()

    def tick(self) -> None:
        """Due OPEN -> HALF_OPEN transitions, then degradation step-downs whose hold has passed."""
        self._registry.tick()
        self._settle()

    # queries

    def decisions(self) -> dict[str, BreakerDecision]:
        decisions = self._registry.decisions()
        self._persist()
        return decisions

    def decisions_since(self, version: int) -> dict[str, BreakerDecision]:
        decisions = self._registry.decisions_since(version)
        self._persist()
        return decisions

    def bulkhead(self, service: str) -> Bulkhead:
        if service not in self._bulkheads:
            raise NotFoundError("service", service)
        return self._bulkheads[service]

    def rate_limiter(self, service: str) -> TokenBucket:
        if service not in self._limiters:
            raise NotFoundError("service", service)
        return self._limiters[service]

    def tier(self, service: str) -> DegradationTier:
        return self._degradation.tier(service)

    def pin_tier(self, service: str, tier: DegradationTier | None, reason: str = "") -> DegradationTier:
        """A human's tier for ``service`` (None lifts the pin and the tier follows its signals again)."""
        self._degradation.pin(service, tier, reason=reason)
        self._settle()
        return self._degradation.tier(service)

    def pinned_tiers(self) -> dict[str, DegradationTier]:
        return self._degradation.pinned()

    def blast_radius(self, service: str) -> BlastRadius:
        return blast_radius(self._graph, service, self._open_edges())

    def facts(self) -> AbsorptionFacts:
        """What absorption has in place, as measured (see ``aref.absorption.facts``)."""
        return AbsorptionFacts(
            breakers_configured=len(self._registry.edges),
            breaker_edges=self._registry.edges,
            has_bulkheads=bool(self._bulkheads),
            has_rate_limiters=bool(self._limiters),
            has_degradation_tiers=bool(self._degradation.states()),
            blast_radius_containment_pct=measured_containment(blast_radii(self._graph, self._open_edges()).values()),
            guard_reports=tuple((edge, reporter, at) for edge, (reporter, at) in self._reported.items()),
        )

    def status(self) -> dict[str, Any]:
        snapshots = self._registry.snapshots()
        versions = {edge: d.version for edge, d in self._registry.decisions().items()}
        self._persist()
        target = self._settings.blast_radius_target_pct
        radii = blast_radii(self._graph, self._open_edges())
        return {
            "version": self._registry.version,
            "breakers": {edge: {**to_record(snap), "version": versions[edge]} for edge, snap in snapshots.items()},
            "bulkheads": {s: to_record(b.snapshot()) for s, b in self._bulkheads.items()},
            "rate_limiters": {s: to_record(r.snapshot()) for s, r in self._limiters.items()},
            "blast_radius": {
                "target_pct": target,
                "services": {
                    node: {
                        "affected": list(r.affected),
                        "contained": list(r.contained),
                        "stopped_at": list(r.stopped_at),
                        "containment_pct": round(r.containment_pct, 2),
                        "contained_pct": round(r.contained_pct, 2),
                        "meets_target": r.contained_pct >= target,
                    }
                    for node, r in radii.items()
                },
            },
            "degradation": {
                s: {**to_record(d), "disabled_features": list(d.disabled_features)}
                for s, d in self._degradation.states().items()
            },
            "pinned_tiers": {s: t.value for s, t in self._degradation.pinned().items()},
            "active_alerts": {s: sorted(alerts) for s, alerts in self._alerts.items() if alerts},
            "ignored_events": self._ignored_events,
        }

    # internals

    def _track_alert(self, event: Event) -> bool:
        service, alert_id = event.payload.get("service"), event.payload.get("alert_id")
        if not isinstance(service, str) or not isinstance(alert_id, str):
            return False
        alerts = self._alerts.setdefault(service, {})
        if event.topic == ALERT_FIRED:
            alerts[alert_id] = (_alert_severity(event), event.correlation_id)
            self._silent.discard(service)
        else:
            alerts.pop(alert_id, None)
            if event.payload.get("reason") == NO_DATA:
                self._silent.add(service)
        latest = [cid for _, cid in alerts.values() if cid is not None]
        if service in self._graph.nodes:
            self._registry.correlate(service, latest[-1] if latest else None)
        return True

    def _settle(self) -> None:
        """Re-derive every service's tier from its current signals, then persist changes."""
        snapshots = self._registry.snapshots()
        for service in self._services:
            dependencies = self._graph.dependencies(service)
            not_closed = [
                edge_name(service, d)
                for d in dependencies
                if snapshots[edge_name(service, d)].state is not BreakerState.CLOSED
            ]
            alerts = self._alerts.get(service, {})
            signals = HealthSignals(
                error_rate=self._seen_error_rate(service, snapshots),
                open_breakers=len(not_closed),
                dependencies=len(dependencies),
                alert_severity=max((sev for sev, _ in alerts.values()), key=lambda s: s.rank, default=None),
            )
            self._degradation.evaluate(
                service,
                signals,
                correlation_id=self._correlation(service, not_closed),
                hold=service not in self._silent and not (not alerts and self._uncalled(service, snapshots)),
            )
        self._persist()

    def _seen_error_rate(self, service: str, snapshots: dict[str, BreakerSnapshot]) -> float:
        rates = [
            snap.failure_rate
            for snap in self._inbound(service, snapshots)
            if snap.calls_in_window >= self._config.minimum_calls
        ]
        return max(rates, default=0.0)

    def _inbound(self, service: str, snapshots: dict[str, BreakerSnapshot]) -> list[BreakerSnapshot]:
        return [snapshots[edge_name(caller, service)] for caller in self._graph.dependents(service)]

    def _fresh(self, snap: BreakerSnapshot) -> bool:
        """The window had an outcome in the last ``signal_max_age_seconds``."""
        age = self._settings.signal_max_age_seconds
        return snap.last_outcome_at is not None and self._clock.now() - snap.last_outcome_at <= age

    def _uncalled(self, service: str, snapshots: dict[str, BreakerSnapshot]) -> bool:
        """``service`` has callers and none of them called it lately."""
        inbound = self._inbound(service, snapshots)
        return bool(inbound) and not any(self._fresh(snap) for snap in inbound)

    def _correlation(self, service: str, not_closed: list[str]) -> str | None:
        own = [cid for _, cid in self._alerts.get(service, {}).values() if cid is not None]
        if own:
            return own[-1]
        inbound = [edge_name(caller, service) for caller in self._graph.dependents(service)]
        for edge in (*not_closed, *inbound):
            episode = self._registry.episode(edge)
            if episode is not None:
                return episode
        return None

    def _open_edges(self) -> list[str]:
        return [e for e, d in self._registry.decisions().items() if d.state is BreakerState.OPEN]

    def _persist(self) -> None:
        if self._store is None or self._registry.version == self._persisted_version:
            return
        for edge, decision in self._registry.decisions_since(self._persisted_version).items():
            self._store.put(BREAKERS_COLLECTION, edge, to_record(decision))
        self._persisted_version = self._registry.version

    def _reload(self, store: Store) -> None:
        known = set(self._registry.edges)
        for record in store.list(BREAKERS_COLLECTION):
            decision = from_record(BreakerDecision, record)
            if decision.edge in known:  # the graph may have lost an edge since it was saved
                self._registry.restore(decision)
        self._persisted_version = self._registry.version


def _alert_severity(event: Event) -> Severity:
    """The alert's own severity from the payload (the topic contract), else the event's."""
    raw = event.payload.get("severity")
    try:
        return Severity(raw) if raw is not None else event.severity
    except ValueError:
        return event.severity
