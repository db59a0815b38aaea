"""EvolutionEngine: the Evolution pillar's facade (learn from every resolved incident).

On ``recovery.recovery_resolved`` it rebuilds the incident, matches it for a recurrence
against the stored incidents that already have a review, writes the blameless review, its
action items, a knowledge entry and the incident (moved to post_review, or closed when there
is nothing to act on) to the store, then emits ``evolution.recurrence_detected`` (on a
match) and ``evolution.review_generated`` with the incident's correlation_id. A repeated
resolution of an incident that already has a review changes nothing; a recovery drill's
incident (``aref.recovery.drills``) gets no review.

Every event handed to ``handle`` that carries a correlation_id is remembered as part of that
incident's chain, bounded by ``max_chains`` x ``max_chain_events`` and dropped ``chain_ttl_seconds``
after its last event (by ``tick``). All durable state lives in the store, so two engines
over one store see the same reviews, actions and knowledge.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import Any, ClassVar

from aref import topics
from aref.clock import Clock
from aref.config import EvolutionSettings
from aref.errors import ArefError, InvalidInputError
from aref.events import Event, EventCategory, EventSink, Severity
from aref.evolution.actions import ActionTracker
from aref.evolution.chain import collect
from aref.evolution.demo_history import is_seeded
from aref.evolution.facts import EvolutionFacts
from aref.evolution.knowledge import KnowledgeBase, KnowledgeEntry
from aref.evolution.recurrence import RecurrenceMatcher, derive_signature
from aref.evolution.review import PostIncidentReview, ReviewGenerator, ReviewTargets
from aref.models import ActionItem, ActionStatus, Incident, IncidentStatus
from aref.records import from_record
from aref.recovery.drills import is_drill
from aref.store import Collection, Repository, Store

SOURCE = "evolution"


class EvolutionEngine:
    SUBSCRIBES: ClassVar[tuple[str, ...]] = (topics.RECOVERY_RESOLVED,)

    def __init__(
        self,
        settings: EvolutionSettings,
        clock: Clock,
        sink: EventSink,
        store: Store,
        *,
        targets: ReviewTargets | None = None,
        max_chains: int = 500,
        max_chain_events: int = 200,
        chain_ttl_seconds: float = 86400.0,
    ) -> None:
        for name, value in (("max_chains", max_chains), ("max_chain_events", max_chain_events)):
            if value < 1:
                raise InvalidInputError(name, "must be >= 1")
        if chain_ttl_seconds <= 0:
            raise InvalidInputError("chain_ttl_seconds", "must be > 0")
        self._settings = settings
        self._clock = clock
        self._sink = sink
        self._generator = ReviewGenerator(targets)
        self._matcher = RecurrenceMatcher()
        self._reviews: Repository[PostIncidentReview] = Repository(store, Collection.REVIEWS, PostIncidentReview)
        self._incidents: Repository[Incident] = Repository(store, Collection.INCIDENTS, Incident)
        self.actions = ActionTracker(settings, clock, store)
        self.knowledge = KnowledgeBase(store)
        self._chains: OrderedDict[str, deque[Event]] = OrderedDict()
        self._last_seen: dict[str, float] = {}
        self._max_chains = max_chains
        self._max_chain_events = max_chain_events
        self._ttl = chain_ttl_seconds

    def handle(self, events: Sequence[Event]) -> None:
        """Remember every correlated event; review each resolved incident.

        A malformed resolution does not stop the batch: the rest is handled first, then an
        InvalidInputError names the first bad field.
        """
        first_error: InvalidInputError | None = None
        for event in events:
            self._remember(event)
            if event.topic != topics.RECOVERY_RESOLVED:
                continue
            try:
                self._on_resolved(event)
            except InvalidInputError as exc:
                first_error = first_error or exc
        if first_error is not None:
            raise first_error

    def tick(self) -> None:
        """Forget chains that saw no event for ``chain_ttl_seconds``."""
        cutoff = self._clock.now() - self._ttl
        for correlation_id in [c for c, seen in self._last_seen.items() if seen < cutoff]:
            self._forget(correlation_id)

    def status(self) -> dict[str, Any]:
        reviews = self._reviews.all()
        reviewed = self._reviewed_incidents(reviews)
        stats = self.actions.stats()
        rate = self._matcher.recurrence_rate(reviewed)
        target = self._settings.recurrence_rate_target
        return {
            "reviews": {"total": len(reviews), "recent": [r.summary() for r in reviews[-10:]]},
            "review_completion_pct": self._review_completion(reviews),
            "actions": stats.to_dict(),
            "knowledge_base": {"entries": len(self.knowledge)},
            "improvement_velocity": {
                "quarter": stats.quarter,
                "completed": stats.velocity,
                "target": stats.velocity_target,
                "meets_target": stats.meets_velocity_target,
                "by_quarter": stats.velocity_by_quarter,
            },
            "recurrence": {
                "incidents": len(reviewed),
                "rate_pct": rate,
                "target_pct": target,
                "meets_target": rate is not None and rate < target,
            },
            "patterns": [
                {**dataclasses.asdict(p), "incident_ids": list(p.incident_ids), "count": p.count}
                for p in self._matcher.patterns(reviewed)
            ],
            "chains": {"tracked": len(self._chains), "events": sum(len(c) for c in self._chains.values())},
        }

    def facts(self) -> EvolutionFacts:
        """What evolution has learnt, as measured (see ``aref.evolution.facts``): demo history
        loaded by ``aref seed`` (seeded incidents, their reviews, actions and lessons) is left out."""
        reviews = [r for r in self._reviews.all() if not is_seeded(r.incident_id)]
        stats = self.actions.stats(lambda item: not is_seeded(item.incident_id))
        return EvolutionFacts(
            reviews=len(reviews),
            review_completion_pct=self._review_completion(reviews, measured_only=True),
            knowledge_entries=sum(not is_seeded(e.incident_id) for e in self.knowledge.all()),
            action_completion_rate_pct=stats.completion_rate_pct,
            recurrence_rate_pct=self._matcher.recurrence_rate(self._reviewed_incidents(reviews)),
            improvement_velocity=stats.velocity,
            reviewed=tuple((r.id, r.incident_id, r.correlation_id, r.created_at) for r in reviews),
        )

    def review(self, incident_id: str) -> PostIncidentReview:
        return self._reviews.require(f"PIR-{incident_id}")

    def reviews(self) -> list[PostIncidentReview]:
        return self._reviews.all()

    def complete_action(self, action_id: str) -> ActionItem:
        """Complete an action item; the incident closes when its last open item completes."""
        item = self.actions.complete(action_id)
        if all(i.status == ActionStatus.COMPLETED for i in self.actions.all(item.incident_id)):
            incident = self._incidents.find(item.incident_id)
            if incident is not None and incident.status == IncidentStatus.POST_REVIEW:
                self._incidents.save(incident.advance(IncidentStatus.CLOSED, self._clock.now(), "all actions done"))
        return item

    def search_knowledge(self, text: str, limit: int = 20) -> list[KnowledgeEntry]:
        return self.knowledge.search(text, limit)

    def _on_resolved(self, event: Event) -> None:
        incident = _incident_from(event)
        if is_drill(incident.id):  # a recovery drill is no incident: nothing to review or learn from
            self._forget(incident.correlation_id)
            return
        if self._reviews.find(f"PIR-{incident.id}") is not None:
            self._forget(incident.correlation_id)
            return
        now = self._clock.now()
        if incident.is_open:
            incident = incident.advance(IncidentStatus.RESOLVED, event.timestamp, "recovery resolved")
        chain = list(self._chains.get(incident.correlation_id, ()))
        incident = dataclasses.replace(incident, fault_signature=derive_signature(incident, collect(chain)))
        recurrence = self._matcher.match(incident, self._reviewed_incidents(self._reviews.all()))
        previous = recurrence.previous_incident_ids if recurrence else ()
        outcome = self._generator.generate(incident, chain, at=now, previous_incident_ids=previous)
        # the review is written last: it marks the work done, so a retry after a crash
        # skips what an interrupted attempt already stored
        for item in outcome.action_items:
            if self.actions.find(item.id) is None:
                self.actions.add(item)
        if self.knowledge.find(outcome.knowledge.id) is None:
            self.knowledge.add(outcome.knowledge)
        if incident.status == IncidentStatus.RESOLVED:
            incident = incident.advance(IncidentStatus.POST_REVIEW, now, f"review {outcome.review.id}")
            if not outcome.action_items:
                incident = incident.advance(IncidentStatus.CLOSED, now, "no action items")
        self._incidents.save(incident)
        self._reviews.save(outcome.review)
        self._forget(incident.correlation_id)
        if recurrence is not None:
            self._emit(
                "recurrence_detected",
                Severity.WARNING,
                incident.correlation_id,
                incident_id=incident.id,
                signature=recurrence.signature,
                previous_incident_ids=list(previous),
                service=incident.service,
            )
        self._emit(
            "review_generated",
            Severity.INFO,
            incident.correlation_id,
            review_id=outcome.review.id,
            incident_id=incident.id,
            action_item_ids=list(outcome.review.action_item_ids),
            service=incident.service,
            fault_signature=incident.fault_signature,
            knowledge_entry_id=outcome.knowledge.id,
        )

    def _emit(self, type_: str, severity: Severity, correlation_id: str, **payload: Any) -> None:
        self._sink.emit(
            Event.create(
                EventCategory.EVOLUTION,
                type_,
                source=SOURCE,
                clock=self._clock,
                severity=severity,
                payload=payload,
                correlation_id=correlation_id,
            )
        )

    def _remember(self, event: Event) -> None:
        cid = event.correlation_id
        if not cid:
            return
        chain = self._chains.get(cid)
        if chain is None:
            chain = self._chains[cid] = deque(maxlen=self._max_chain_events)
            while len(self._chains) > self._max_chains:
                self._forget(next(iter(self._chains)))
        self._chains.move_to_end(cid)
        self._last_seen[cid] = self._clock.now()
        if all(e.id != event.id for e in chain):
            chain.append(event)

    def _forget(self, correlation_id: str) -> None:
        self._chains.pop(correlation_id, None)
        self._last_seen.pop(correlation_id, None)

    def _reviewed_incidents(self, reviews: Sequence[PostIncidentReview]) -> list[Incident]:
        """Stored incidents that have a review, with the review's signature.

        Recurrence is judged on reviewed incidents only: open incidents have no settled
        signature yet, and other pillars may write the same incident record without one.
        """
        signatures = {r.incident_id: r.fault_signature for r in reviews}
        return [
            dataclasses.replace(i, fault_signature=signatures[i.id])
            for i in self._incidents.all()
            if i.id in signatures
        ]

    def _review_completion(self, reviews: Sequence[PostIncidentReview], measured_only: bool = False) -> float | None:
        """Percent of resolved incidents reviewed within the deadline after resolution.

        An unreviewed incident counts once its deadline has passed; None when nothing counts.
        """
        deadline = self._settings.post_incident_review_deadline_hours * 3600.0
        now = self._clock.now()
        written = {r.incident_id: r.created_at for r in reviews}
        on_time = due = 0
        for incident in self._incidents.all():
            if measured_only and is_seeded(incident.id):
                continue
            resolved_at = incident.resolved_at
            if resolved_at is None or (incident.id not in written and now - resolved_at <= deadline):
                continue
            due += 1
            on_time += incident.id in written and written[incident.id] - resolved_at <= deadline
        return None if not due else on_time / due * 100.0


def _incident_from(event: Event) -> Incident:
    record = event.payload.get("incident")
    if not isinstance(record, dict):
        raise InvalidInputError("incident", "recovery_resolved payload needs an incident record")
    try:
        return from_record(Incident, record)
    except (ArefError, TypeError, ValueError, KeyError) as exc:
        raise InvalidInputError("incident", f"not a valid incident record: {exc}") from None
