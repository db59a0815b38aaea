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
    has_bulkheads: bool = False
    has_rate_limiters: bool = False
    has_degradation_tiers: bool = False
    blast_radius_containment_pct: float | None = None
    """The worst ``contained_pct`` (rounded to 2 places) among spreads an open breaker stopped."""


def measured_containment(radii: Iterable[BlastRadius]) -> float | None:
    """The lowest contained percentage among the radii an open breaker stopped; None when none did."""
    measured = [round(r.contained_pct, 2) for r in radii if r.stopped_at]
    return min(measured) if measured else None
