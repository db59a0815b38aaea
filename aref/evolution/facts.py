"""What the evolution pillar has learnt, as measured: the inputs of its maturity criteria.

Demo history loaded by ``aref seed`` is not measured: it is left out of every fact. A rate
that has nothing to count yet (no action item, no reviewed incident, no review due)
is None, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EvolutionFacts:
    """The evolution engine's measured facts; the defaults describe an engine that has learnt nothing."""

    reviews: int = 0
    review_completion_pct: float | None = None
    knowledge_entries: int = 0
    action_completion_rate_pct: float | None = None
    recurrence_rate_pct: float | None = None
    improvement_velocity: int = 0
    """Action items completed in the current quarter."""
    reviewed: tuple[tuple[str, str, str, float], ...] = ()
    """``(review_id, incident_id, correlation_id, written_at)`` of each review, oldest first."""
