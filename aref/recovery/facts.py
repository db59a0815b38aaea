"""What the recovery pillar has in place, as measured: the inputs of its maturity criteria.

Which tiers run hands-free is judged from the runbooks themselves (``aref.maturity.facts.automated_tiers``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecoveryFacts:
    """The recovery engine's measured facts; the defaults describe an engine with nothing in place."""

    runbooks: int = 0
    """Runbooks in the engine's catalog."""
