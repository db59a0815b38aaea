"""Shared circuit breakers: outcome reports from many caller replicas, one decision per edge.

Invariants:
- One breaker per edge (``"caller->dependency"``); reports for an unknown edge are refused.
- Reports are idempotent: per (edge, reporter) only a sequence number above the last applied
  one is applied, so a retried or replayed report changes nothing. A reporter id must be
  unique per process lifetime (a restarted replica reports under a new id), so a reporter
  silent for ``FORGET_REPORTER_S`` is gone for good and forgotten on ``tick`` (a replaced
  replica's sequence would otherwise be kept for ever).
- ``version`` grows by one on every state change of any edge; a decision carries the version
  of its last change, so a replica can apply decisions in any order and keep the newest.
- A replica may be more restrictive than the registry, never less: ``combine_states``.
- Transition events carry the triggering correlation id, else the one of the open episode
  (kept from OPEN until CLOSED), else the one correlated with the dependency (an alert).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aref.absorption.breaker import BreakerConfig, BreakerSnapshot, BreakerState, BreakerTransition, CircuitBreaker
from aref.absorption.edges import split_edge
from aref.clock import Clock
from aref.errors import InvalidInputError, NotFoundError
from aref.events import Event, EventCategory, EventSink, Severity

FORGET_REPORTER_S = 300.0

_EVENT_TYPES: Mapping[BreakerState, tuple[str, Severity]] = {
    BreakerState.OPEN: ("circuit_breaker_opened", Severity.WARNING),
    BreakerState.HALF_OPEN: ("circuit_breaker_half_open", Severity.INFO),
    BreakerState.CLOSED: ("circuit_breaker_closed", Severity.INFO),
}


@dataclass(frozen=True)
class OutcomeReport:
    """Call outcomes one replica (``reporter_id``) saw on one edge since its previous report."""

    edge: str
    reporter_id: str
    successes: int
    failures: int
    excluded: int
    at: float
    sequence: int

    def __post_init__(self) -> None:
        split_edge(self.edge)
        if not self.reporter_id:
            raise InvalidInputError("reporter_id", "must not be empty")
        for name in ("successes", "failures", "excluded", "sequence"):
            if getattr(self, name) < 0:
                raise InvalidInputError(name, "must be >= 0")


@dataclass(frozen=True)
class BreakerDecision:
    """The registry's verdict on one edge, as replicas pull it (and as it is persisted)."""

    edge: str
    state: BreakerState
    version: int
    since: float
    opened_at: float | None = None
    retry_at: float | None = None


def combine_states(local: BreakerState, shared: BreakerState) -> BreakerState:
    """The state a replica acts on: the more restrictive of its own and the registry's."""
    return max(local, shared, key=lambda s: s.rank)


def align_local(local: CircuitBreaker, decision: BreakerDecision) -> BreakerState:
    """Make a replica's breaker follow a shared decision and return the state to act on.

    A registry OPEN forces the local breaker open until the shared ``retry_at``, so both
    half-open together; a local OPEN is never relaxed by the registry.
    """
    if decision.state is BreakerState.OPEN and local.state is not BreakerState.OPEN:
        local.force_open(f"shared decision v{decision.version}", until=decision.retry_at)
    return combine_states(local.state, decision.state)


class SharedBreakerRegistry:
    """Keeps one breaker per edge, applies reports, exposes versioned decisions."""

    def __init__(
        self, config: BreakerConfig, clock: Clock, sink: EventSink | None = None, edges: Iterable[str] = ()
    ) -> None:
        self._config = config
        self._clock = clock
        self._sink = sink
        self._breakers: dict[str, CircuitBreaker] = {}
        self._versions: dict[str, int] = {}
        self._version = 0
        self._sequences: dict[tuple[str, str], tuple[int, float]] = {}  # -> (last sequence, seen at)
        self._pending: list[BreakerTransition] = []
        self._episodes: dict[str, str] = {}
        self._correlations: dict[str, str] = {}
        for edge in edges:
            self.add_edge(edge)

    def add_edge(self, edge: str) -> None:
        """Start tracking ``edge`` (CLOSED); adding a known edge changes nothing."""
        split_edge(edge)
        if edge in self._breakers:
            return
        breaker = CircuitBreaker(edge, self._config, self._clock)
        breaker.add_listener(self._pending.append)
        self._breakers[edge] = breaker
        self._versions[edge] = 0

    @property
    def edges(self) -> tuple[str, ...]:
        return tuple(self._breakers)

    @property
    def version(self) -> int:
        return self._version

    def apply(self, report: OutcomeReport, *, correlation_id: str | None = None) -> bool:
        """Apply one report; False when it is a duplicate or older than one already applied."""
        breaker = self._breaker(report.edge)
        key = (report.edge, report.reporter_id)
        last = self._sequences.get(key)
        if last is not None and report.sequence <= last[0]:
            return False
        self._sequences[key] = (report.sequence, self._clock.now())
        breaker.record(successes=report.successes, failures=report.failures, excluded=report.excluded, at=report.at)
        self._flush(correlation_id)
        return True

    def apply_all(self, reports: Iterable[OutcomeReport], *, correlation_id: str | None = None) -> int:
        """Apply reports in order; every edge is checked first, so an unknown one applies nothing."""
        batch = list(reports)
        for report in batch:
            self._breaker(report.edge)
        return sum(self.apply(report, correlation_id=correlation_id) for report in batch)

    def correlate(self, dependency: str, correlation_id: str | None) -> None:
        """Tag future transitions of edges into ``dependency`` with an incident's correlation id."""
        if correlation_id is None:
            self._correlations.pop(dependency, None)
        else:
            self._correlations[dependency] = correlation_id

    def episode(self, edge: str) -> str | None:
        """The correlation id of the edge's current OPEN..CLOSED episode, if it has one."""
        self._breaker(edge)
        return self._episodes.get(edge)

    def tick(self) -> None:
        """Perform due OPEN -> HALF_OPEN transitions (and publish them); forget reporters long gone."""
        for breaker in self._breakers.values():
            breaker.tick()
        self._flush(None)
        gone = self._clock.now() - FORGET_REPORTER_S
        for key in [k for k, (_, seen) in self._sequences.items() if seen <= gone]:
            del self._sequences[key]

    @property
    def reporters(self) -> int:
        """How many (edge, reporter) sequences are kept."""
        return len(self._sequences)

    def decision(self, edge: str) -> BreakerDecision:
        snap = self._breaker(edge).snapshot()
        self._flush(None)
        return BreakerDecision(edge, snap.state, self._versions[edge], snap.since, snap.opened_at, snap.retry_at)

    def decisions(self) -> dict[str, BreakerDecision]:
        return {edge: self.decision(edge) for edge in self._breakers}

    def decisions_since(self, version: int) -> dict[str, BreakerDecision]:
        """Decisions that changed after ``version`` (what a replica at ``version`` lacks)."""
        return {edge: d for edge, d in self.decisions().items() if d.version > version}

    def snapshot(self, edge: str) -> BreakerSnapshot:
        snap = self._breaker(edge).snapshot()
        self._flush(None)
        return snap

    def snapshots(self) -> dict[str, BreakerSnapshot]:
        return {edge: self.snapshot(edge) for edge in self._breakers}

    def restore(self, decision: BreakerDecision) -> None:
        """Reload a persisted decision (silently); versions keep growing from the highest seen."""
        self._breaker(decision.edge).restore(
            decision.state, since=decision.since, opened_at=decision.opened_at, retry_at=decision.retry_at
        )
        self._versions[decision.edge] = decision.version
        self._version = max(self._version, decision.version)

    def _breaker(self, edge: str) -> CircuitBreaker:
        breaker = self._breakers.get(edge)
        if breaker is None:
            raise NotFoundError("breaker", edge)
        return breaker

    def _flush(self, correlation_id: str | None) -> None:
        while self._pending:
            change = self._pending.pop(0)
            self._version += 1
            self._versions[change.breaker] = self._version
            _, dependency = split_edge(change.breaker)
            cid = correlation_id or self._episodes.get(change.breaker) or self._correlations.get(dependency)
            if cid is not None and change.to_state is not BreakerState.CLOSED:
                self._episodes.setdefault(change.breaker, cid)
            else:
                self._episodes.pop(change.breaker, None)
            if self._sink is not None:
                self._emit(self._sink, change, cid)

    def _emit(self, sink: EventSink, change: BreakerTransition, cid: str | None) -> None:
        caller, dependency = split_edge(change.breaker)
        event_type, severity = _EVENT_TYPES[change.to_state]
        payload: dict[str, object] = {
            "breaker": change.breaker,
            "service": caller,
            "dependency": dependency,
            "failure_rate": change.failure_rate,
            "from_state": change.from_state.value,
            "reason": change.reason,
            "at": change.at,
            "version": self._versions[change.breaker],
        }
        if change.to_state is BreakerState.OPEN:
            payload["retry_at"] = change.at + self._config.recovery_timeout
        sink.emit(
            Event.create(
                EventCategory.ABSORPTION,
                event_type,
                source="absorption",
                clock=self._clock,
                severity=severity,
                payload=payload,
                correlation_id=cid,
            )
        )
