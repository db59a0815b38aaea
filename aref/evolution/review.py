"""Blameless post-incident reviews, generated from a resolved incident and its event chain.

The six steps: 1 timeline reconstruction, 2 contributing factors (system conditions, never a
person), 3 what went well, 4 what could improve, 5 action items (one per measured gap, owned
by the pillar that can close it), 6 lessons, kept as a knowledge entry. The reasoning lives
in ``aref.evolution.findings``. Ids derive from the incident id (``PIR-``, ``ACT-…-n``,
``KB-``), so generating twice gives the same ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aref.errors import InvalidInputError
from aref.events import Event
from aref.evolution import findings
from aref.evolution.chain import collect
from aref.evolution.findings import ReviewTargets
from aref.evolution.knowledge import KnowledgeEntry
from aref.evolution.recurrence import derive_signature
from aref.models import ActionItem, Incident, IncidentSeverity, Priority, RecoveryTier, TimelineEntry

DAY = 86400.0
ACTION_DUE_SECONDS: Mapping[Priority, float] = {
    Priority.HIGH: 14 * DAY,
    Priority.MEDIUM: 30 * DAY,
    Priority.LOW: 90 * DAY,
}

__all__ = ["ACTION_DUE_SECONDS", "PostIncidentReview", "ReviewGenerator", "ReviewOutcome", "ReviewTargets"]


@dataclass(frozen=True)
class PostIncidentReview:
    id: str
    incident_id: str
    correlation_id: str
    service: str
    title: str
    severity: IncidentSeverity
    fault_signature: str
    created_at: float
    time_to_detect: float | None
    time_to_resolve: float | None
    highest_tier: RecoveryTier | None
    tiers_reached: tuple[RecoveryTier, ...]
    timeline: tuple[TimelineEntry, ...]
    contributing_factors: tuple[str, ...]
    went_well: tuple[str, ...]
    to_improve: tuple[str, ...]
    action_item_ids: tuple[str, ...]
    lessons: tuple[str, ...]
    recurrence_of: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        return {
            "review_id": self.id,
            "incident_id": self.incident_id,
            "service": self.service,
            "title": self.title,
            "fault_signature": self.fault_signature,
            "created_at": self.created_at,
            "time_to_detect": self.time_to_detect,
            "time_to_resolve": self.time_to_resolve,
            "highest_tier": None if self.highest_tier is None else self.highest_tier.name,
            "action_item_ids": list(self.action_item_ids),
            "recurrence_of": list(self.recurrence_of),
        }


@dataclass(frozen=True)
class ReviewOutcome:
    review: PostIncidentReview
    action_items: tuple[ActionItem, ...]
    knowledge: KnowledgeEntry


class ReviewGenerator:
    def __init__(self, targets: ReviewTargets | None = None) -> None:
        self._targets = targets or ReviewTargets()

    def generate(
        self, incident: Incident, chain: Sequence[Event], *, at: float, previous_incident_ids: Sequence[str] = ()
    ) -> ReviewOutcome:
        """The review of ``incident`` written at time ``at``; ``previous_incident_ids`` marks a recurrence."""
        if incident.resolved_at is None:
            raise InvalidInputError("incident.resolved_at", "a review needs a resolved incident")
        facts = collect(chain)
        signature = derive_signature(incident, facts)
        reached = set(facts.tiers) | ({incident.recovery_tier} if incident.recovery_tier is not None else set())
        tiers = tuple(sorted(reached))
        highest = tiers[-1] if tiers else None
        previous = tuple(previous_incident_ids)
        gaps = findings.gaps(incident, facts, signature, highest, previous, self._targets)
        items = tuple(
            ActionItem(
                id=f"ACT-{incident.id}-{n}",
                incident_id=incident.id,
                title=gap.action,
                pillar=gap.pillar,
                created_at=at,
                description=gap.finding,
                priority=gap.priority,
                due_at=at + ACTION_DUE_SECONDS[gap.priority],
            )
            for n, gap in enumerate(gaps, start=1)
        )
        lessons = findings.lessons(incident, facts, signature, highest, [i.title for i in items], previous)
        review = PostIncidentReview(
            id=f"PIR-{incident.id}",
            incident_id=incident.id,
            correlation_id=incident.correlation_id,
            service=incident.service,
            title=incident.title,
            severity=incident.severity,
            fault_signature=signature,
            created_at=at,
            time_to_detect=incident.time_to_detect,
            time_to_resolve=incident.time_to_resolve,
            highest_tier=highest,
            tiers_reached=tiers,
            timeline=findings.timeline(incident, chain),
            contributing_factors=findings.contributing_factors(incident, facts, self._targets),
            went_well=findings.went_well(incident, facts, highest, self._targets),
            to_improve=tuple(g.finding for g in gaps),
            action_item_ids=tuple(i.id for i in items),
            lessons=lessons,
            recurrence_of=previous,
        )
        tags = [incident.service, *(i.pillar.value for i in items)]
        tags += [c.value for c in (incident.detection_class, incident.anomaly_class) if c is not None]
        tags += [highest.name] if highest is not None else []
        tags += ["recurrence"] if previous else []
        entry = KnowledgeEntry(
            id=f"KB-{incident.id}",
            incident_id=incident.id,
            service=incident.service,
            fault_signature=signature,
            title=f"{incident.title} [{signature}]",
            lesson="\n".join(lessons),
            tags=tuple(dict.fromkeys(tags)),
            created_at=at,
        )
        return ReviewOutcome(review, items, entry)
