"""RecoveryEngine: tiered T0–T4 recovery with automatic escalation and runbook execution.

A recovery starts in T0 (from ``adaptation.escalate_to_recovery``, an EMERGENCY ``detection.alert_fired``
or ``begin_recovery``) and runs the runbook of its tier. It escalates to the next tier, emitting
``recovery.tier_escalated`` and starting that tier's runbook, when the current tier's window passes
without resolution (windows are cumulative from the recovery's start; see ``tiers``) or when a step
fails with ``on_failure=escalate``. It resolves when every alert of its incident is resolved (a budget
burn aside: ``AlertBook.holds_open``), or on ``resolve`` (an escalation after they all resolved opens
none). At most one active recovery per correlation id; every event it emits carries that correlation id.
With a store, incidents and recoveries are saved on every change and a new engine over the same store
resumes the active recoveries. Without an injected runner and verifier the engine is a dry run: nothing
is performed, and its status, every recovery and every step say so. A drill (``drill``, see
``aref.recovery.drills``) runs its planned tiers back to back instead of escalating on windows,
resolves itself after its last runbook and may be a dry run on its own.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from aref.clock import Clock
from aref.config import RecoverySettings
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Event, EventCategory, EventSink, Severity
from aref.models import DetectionClass, Incident, IncidentSeverity, IncidentStatus, RecoveryTier
from aref.records import to_record
from aref.recovery.alerts import AlertBook
from aref.recovery.catalog import RunbookCatalog
from aref.recovery.defaults import default_runbooks
from aref.recovery.drills import DRILL_TRIGGER, plan_drill
from aref.recovery.dry_run import DryRunActionRunner, DryRunVerifier
from aref.recovery.executor import ExecutionStatus, RunbookExecutor
from aref.recovery.facts import RecoveryFacts, performed_runs
from aref.recovery.runbook import Runbook
from aref.recovery.state import Recovery, RecoveryStatus, TierEntry
from aref.recovery.step_kinds import (
    DEFAULT_STEP_KINDS,
    ActionRunner,
    Capabilities,
    StepKindRegistry,
    StepTools,
    Verifier,
)
from aref.recovery.tiers import TierLadder, next_tier
from aref.recovery.triggers import (
    RecoveryRequest,
    correlation_of,
    for_drill,
    from_alert,
    from_escalation,
    open_recovery,
)
from aref.recovery.view import describe
from aref.store import Collection, Repository, Store
from aref.topics import (
    ALERT_FIRED,
    ALERT_RESOLVED,
    ESCALATE_TO_RECOVERY,
    RECOVERY_RESOLVED,
    RECOVERY_STARTED,
    TIER_ESCALATED,
)


class RecoveryEngine:
    SUBSCRIBES: ClassVar[tuple[str, ...]] = (ESCALATE_TO_RECOVERY, ALERT_FIRED, ALERT_RESOLVED)

    def __init__(
        self,
        settings: RecoverySettings,
        clock: Clock,
        sink: EventSink,
        store: Store | None = None,
        *,
        runbooks: Iterable[Runbook] | None = None,
        action_runner: ActionRunner | None = None,
        verifier: Verifier | None = None,
        step_kinds: StepKindRegistry = DEFAULT_STEP_KINDS,
        capabilities: Capabilities | None = None,
        services: Iterable[str] | None = None,
        alert_memory: int = 1000,
        recent: int = 10,
    ) -> None:
        self._clock = clock
        self._sink = sink
        self._ladder = TierLadder(settings)
        books = default_runbooks(step_kinds) if runbooks is None else runbooks
        self._catalog = RunbookCatalog(books, step_kinds, capabilities)
        self._dry_run = action_runner is None or verifier is None
        tools = StepTools(action_runner or DryRunActionRunner(), verifier or DryRunVerifier())
        self._executor = RunbookExecutor(clock=clock, sink=sink, tools=tools, kinds=step_kinds, dry_run=self._dry_run)
        self._alerts = AlertBook(alert_memory)
        self._hold = settings.burn_only_hold_seconds
        self._services = frozenset(services) if services is not None else None  # None: any service drills
        self._active: dict[str, Recovery] = {}
        self._recovered = 0
        self._rejected: deque[str] = deque(maxlen=20)
        self._recent: deque[Recovery] = deque(maxlen=recent)
        self._handlers: dict[str, Callable[[Event], None]] = {
            ESCALATE_TO_RECOVERY: self._on_escalate,
            ALERT_FIRED: self._on_alert_fired,
            ALERT_RESOLVED: self._on_alert_resolved,
        }
        self._recoveries = Repository(store, Collection.RECOVERIES, Recovery) if store is not None else None
        self._incidents = Repository(store, Collection.INCIDENTS, Incident) if store is not None else None
        if store is not None and self._recoveries is not None:
            self._active = {r.id: r for r in self._recoveries.all(status=RecoveryStatus.ACTIVE.value)}
            self._recovered = len(store.list(Collection.RECOVERIES, where={"status": RecoveryStatus.RESOLVED.value}))

    # -- the engine contract ------------------------------------------------------------

    def handle(self, events: Sequence[Event]) -> None:
        """Consume subscribed events; an event with unusable data is counted in status, not raised."""
        for event in events:
            handler = self._handlers.get(event.topic)
            if handler is None:
                continue
            try:
                handler(event)
            except InvalidInputError as exc:
                self._rejected.append(f"{event.topic} {event.id}: {exc}")

    def tick(self) -> None:
        """Poll running steps, time them out, escalate recoveries whose tier window has passed and
        resolve those left with budget-burn alerts only once their hold has passed."""
        now = self._clock.now()
        for rec in list(self._active.values()):
            if rec.open_alerts and not self._alerts.holds_open(rec.correlation_id, rec.open_alerts, now, self._hold):
                self._resolve(rec, f"only budget-burn alerts left, other detectors calm for {self._hold:g} s")
            else:
                self._keep(self._settle(rec), rec)

    def status(self) -> dict[str, Any]:
        return {
            "active": [self.describe(r) for r in self._active.values()],
            "recent": [self.describe(r) for r in reversed(self._recent)],
            "total_active": len(self._active),
            "total_recovered": self._recovered,
            "runbooks": self._catalog.summary(),
            "tiers": [spec.to_dict() for spec in self._ladder],
            "dry_run": self._dry_run,
            "rejected_events": list(self._rejected),
        }

    # -- commands -------------------------------------------------------------------------

    def begin_recovery(
        self,
        service: str,
        correlation_id: str,
        *,
        onset_at: float | None = None,
        detected_at: float | None = None,
        severity: Severity | IncidentSeverity = IncidentSeverity.SEV1,
        title: str | None = None,
        alert_id: str | None = None,
        detection_class: DetectionClass | None = None,
        reason: str = "recovery started",
    ) -> Recovery:
        """Open an incident in RECOVERING at T0 and run the T0 runbook; returns the existing
        recovery unchanged if one is already active for ``correlation_id``."""
        return self._begin(
            RecoveryRequest(
                service, correlation_id, onset_at, detected_at, severity, title, alert_id, detection_class, reason
            )
        )

    def drill(
        self,
        service: str,
        tiers: Sequence[object] = ("T0",),
        *,
        runbooks: Sequence[str] = (),
        dry_run: bool = False,
        by: str = "operator",
    ) -> Recovery:
        """Open a drill of ``service`` running the runbooks of ``tiers`` (or the ``runbooks`` named, whose
        tiers then count) one after the other. Refused while a recovery of ``service`` is active
        (ConflictError), for a service unknown (NotFoundError) and what ``RunbookCatalog.for_drill`` refuses."""
        if self._services is not None and service not in self._services:
            raise NotFoundError("service", service)
        named = self._catalog.for_drill(service, (), runbooks) if runbooks else ()
        plan = plan_drill([r.tier for r in named] if named else tiers, by=by, dry_run=dry_run)
        books = named or self._catalog.for_drill(service, plan.tiers)
        plan = dataclasses.replace(plan, runbooks=tuple(r.name for r in books))
        busy = next((r for r in self._active.values() if r.service == service), None)
        if busy is not None:
            raise ConflictError(f"recovery {busy.id} of {service} is active: drill it once that one resolved")
        return self.get(self._begin(for_drill(service, plan)).id)

    def describe(self, rec: Recovery) -> dict[str, Any]:
        """The JSON-ready view of ``rec`` (``aref.recovery.view``)."""
        return describe(rec, self._ladder, self._clock.now(), self._dry_run or rec.dry_run)

    def resolve(self, recovery_id: str, reason: str = "resolved manually") -> Incident:
        """Resolve an active recovery now; returns the RESOLVED incident."""
        return self._resolve(self._require(recovery_id), reason).incident

    def approve(self, recovery_id: str, step: str, by: str) -> Recovery:
        """Approve the step of the current runbook that waits for approval, then continue."""
        rec = self._require(recovery_id)
        execution = rec.execution
        if execution is None or execution.status != ExecutionStatus.RUNNING:
            raise ConflictError(f"recovery {recovery_id} has no runbook running")
        approved = self._settle(rec.with_execution(self._executor.approve(execution, step, by)))
        self._keep(approved, rec)
        return self.get(recovery_id)

    def active(self) -> tuple[Recovery, ...]:
        return tuple(self._active.values())

    def get(self, recovery_id: str) -> Recovery:
        """An active or recently resolved recovery."""
        found = self._active.get(recovery_id) or next((r for r in self._recent if r.id == recovery_id), None)
        if found is None:
            raise NotFoundError("recovery", recovery_id)
        return found

    @property
    def dry_run(self) -> bool:
        return self._dry_run

    def facts(self) -> RecoveryFacts:
        """What recovery has in place, as measured (see ``aref.recovery.facts``); a dry run performs nothing."""
        recoveries = self._recoveries.all() if self._recoveries is not None else [*self._active.values(), *self._recent]
        performed = () if self._dry_run else performed_runs(recoveries)
        return RecoveryFacts(runbooks=len(self._catalog), performed=performed)

    @property
    def catalog(self) -> RunbookCatalog:
        return self._catalog

    # -- events ---------------------------------------------------------------------------

    def _on_escalate(self, event: Event) -> None:
        request = from_escalation(event, self._alerts.get(correlation_of(event)))
        if request is not None:
            self._begin(request)

    def _on_alert_fired(self, event: Event) -> None:
        correlation_id = correlation_of(event)
        memo = self._alerts.fired(correlation_id, event.payload, event.timestamp)
        alert_id = str(event.payload.get("alert_id") or "")
        rec = self._by_correlation(correlation_id)
        if rec is None:
            request = from_alert(event, memo)
            if request is not None:
                self._begin(request)
        elif alert_id and alert_id not in rec.open_alerts:
            self._keep(dataclasses.replace(rec, open_alerts=(*rec.open_alerts, alert_id)), rec)

    def _on_alert_resolved(self, event: Event) -> None:
        correlation_id = correlation_of(event)
        alert_id = str(event.payload.get("alert_id") or "")
        if alert_id:
            self._alerts.resolved(correlation_id, alert_id, self._clock.now())
        rec = self._by_correlation(correlation_id)
        if rec is None:
            return
        remaining = tuple(a for a in rec.open_alerts if a != alert_id) if alert_id else ()
        if self._alerts.holds_open(correlation_id, remaining, self._clock.now(), self._hold):
            self._keep(dataclasses.replace(rec, open_alerts=remaining), rec)
        else:
            self._resolve(rec, f"alert {alert_id or correlation_id} resolved")

    def _begin(self, req: RecoveryRequest) -> Recovery:
        existing = self._by_correlation(req.correlation_id)
        if existing is not None:
            return existing
        memo = self._alerts.get(req.correlation_id)
        rec = open_recovery(req, self._clock.now(), memo.open_alerts if memo else frozenset())
        rec = self._start_runbook(rec)
        payload = {"incident": to_record(rec.incident), "tier": rec.tier.name, "dry_run": self._dry_run or rec.dry_run}
        if rec.drill is not None:
            payload |= {"trigger": DRILL_TRIGGER, "drill_tiers": [t.name for t in rec.drill.tiers]}
        self._emit(rec, RECOVERY_STARTED, Severity.CRITICAL, payload)
        settled = self._settle(rec)
        self._keep(settled, None)
        return settled

    # -- tiers ----------------------------------------------------------------------------

    def _settle(self, rec: Recovery) -> Recovery:
        """Advance the current runbook and escalate as long as a failure or a passed window asks for it."""
        while True:
            execution = rec.execution
            if execution is not None and execution.status == ExecutionStatus.RUNNING:
                rec = rec.with_execution(self._executor.advance(execution))
                execution = rec.execution
            if rec.drill is not None:
                running = execution is not None and execution.status == ExecutionStatus.RUNNING
                planned = rec.drill.after(rec.tier)
                if running or planned is None:
                    return rec
                done = execution.status.value if execution is not None else "had no runbook"
                rec = self._escalate(rec, planned, f"drill: {rec.tier.name} runbook {done}")
                continue
            to = next_tier(rec.tier)
            if to is None:
                return rec
            target = self._ladder.target(rec.tier)
            failed = execution.failed_step if execution is not None else None
            if execution is not None and execution.status == ExecutionStatus.ESCALATED and failed is not None:
                reason = f"runbook {execution.runbook.name}: step {failed.name!r} {failed.outcome.value}"
            elif self._clock.now() - rec.started_at >= target:
                reason = f"{rec.tier.name} window of {target:g}s passed without resolution"
            else:
                return rec
            rec = self._escalate(rec, to, reason)

    def _escalate(self, rec: Recovery, to: RecoveryTier, reason: str) -> Recovery:
        now = self._clock.now()
        execution = rec.execution
        if execution is not None and execution.status == ExecutionStatus.RUNNING:
            rec = rec.with_execution(self._executor.cancel(execution, f"escalated to {to.name}"))
        before = rec.tier
        incident = dataclasses.replace(rec.incident, recovery_tier=to).note(
            now, "tier_escalated", f"{before.name} -> {to.name}: {reason}"
        )
        rec = dataclasses.replace(rec, tier=to, tiers=(*rec.tiers, TierEntry(to, now, reason)), incident=incident)
        rec = self._start_runbook(rec)
        payload = {"from_tier": before.name, "to_tier": to.name, "reason": reason, "incident_id": incident.id}
        self._emit(rec, TIER_ESCALATED, Severity.WARNING, payload)
        return rec

    def _start_runbook(self, rec: Recovery) -> Recovery:
        drilled = rec.drill.runbook_at(rec.tier) if rec.drill is not None else None
        runbook = self._catalog.get(drilled) if drilled else self._catalog.for_tier(rec.tier, rec.service)
        if runbook is None:
            return rec
        started = self._executor.start(
            runbook, recovery_id=rec.id, correlation_id=rec.correlation_id, service=rec.service, dry_run=rec.dry_run
        )
        return rec.with_execution(started)

    def _resolve(self, rec: Recovery, reason: str) -> Recovery:
        now = self._clock.now()
        execution = rec.execution
        if execution is not None and execution.status == ExecutionStatus.RUNNING:
            rec = rec.with_execution(self._executor.cancel(execution, "recovery resolved"))
        incident = rec.incident.advance(IncidentStatus.RESOLVED, now, reason)
        done = dataclasses.replace(rec, incident=incident, status=RecoveryStatus.RESOLVED, resolved_at=now)
        self._active.pop(rec.id, None)
        self._recent.append(done)
        self._recovered += 1
        self._persist(done, rec)
        self._emit(done, RECOVERY_RESOLVED, Severity.INFO, done.resolution(reason, self._dry_run))
        return done

    # -- bookkeeping ----------------------------------------------------------------------

    def _keep(self, rec: Recovery, before: Recovery | None) -> None:
        if rec == before:
            return
        if rec.drill_finished:
            runs = ", ".join(f"{run.runbook.tier.name} {run.status.value}" for run in rec.runs)
            self._resolve(rec, f"drill finished: {runs}")
            return
        self._active[rec.id] = rec
        self._persist(rec, before)

    def _persist(self, rec: Recovery, before: Recovery | None) -> None:
        if self._recoveries is None or self._incidents is None:
            return
        self._recoveries.save(rec)
        if before is None or rec.incident != before.incident:
            self._incidents.save(rec.incident)

    def _require(self, recovery_id: str) -> Recovery:
        try:
            return self._active[recovery_id]
        except KeyError:
            raise NotFoundError("active recovery", recovery_id) from None

    def _by_correlation(self, correlation_id: str) -> Recovery | None:
        return next((r for r in self._active.values() if r.correlation_id == correlation_id), None)

    def _emit(self, rec: Recovery, topic: str, severity: Severity, payload: dict[str, Any]) -> None:
        category, kind = topic.split(".", 1)
        self._sink.emit(
            Event.create(
                EventCategory(category),
                kind,
                source="recovery",
                clock=self._clock,
                severity=severity,
                correlation_id=rec.correlation_id,
                payload={"recovery_id": rec.id, **payload},
            )
        )
