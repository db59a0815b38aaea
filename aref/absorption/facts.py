"""What the absorption pillar has in place, as measured: the inputs of its maturity criteria.

Blast-radius containment is measured only where an open breaker actually stopped a spread:
a service whose failure no breaker holds back says nothing about containment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aref.absorption.blast_radius import BlastRadius


@dataclass(frozen=True)
class AbsorptionFacts:
    """The absorption engine's measured facts; the defaults describe an engine with nothing in place."""

    breakers_configured: int = 0
    breaker_edges: tuple[str, ...] = ()
    has_bulkheads: bool = False
    has_rate_limiters: bool = False
    has_degradation_tiers: bool = False
    blast_radius_containment_pct: float | None = None
    """The worst ``contained_pct`` (rounded to 2 places) among spreads an open breaker stopped."""
    guard_reports: tuple[tuple[str, str, float], ...] = ()
    """``(edge, replica_id, at)``: the newest outcome report per edge. A replica reports only what
    went through its guard chain on that edge (token bucket, breaker, bulkhead), so a report is
    evidence that the chain is enforced on the request path; the engine's own per-service
    bulkheads and token buckets guard nothing and are not evidence."""


def measured_containment(radii: Iterable[BlastRadius]) -> float | None:
    """The lowest contained percentage among the radii an open breaker stopped; None when none did."""
    measured = [round(r.contained_pct, 2) for r in radii if r.stopped_at]
    return min(measured) if measured else None
