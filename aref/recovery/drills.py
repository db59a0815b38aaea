"""Recovery drills: a recovery opened on purpose to run chosen tiers' runbooks back to back.

A drill runs the runbook of each tier it names, or the runbooks it names (drill-only runbooks,
``trigger: drill``, included). It has its own correlation id (``drill-…``) and an incident whose id starts with
``INC-DRILL-`` and that no alert opened. Its tiers run in the order given, each one as soon as
the previous tier's runbook finished (completed or failed), not when a tier window passes; the
drill resolves itself when the last runbook finished. A drill asked as a dry run performs and
measures nothing, whatever the engine does for real incidents. Drills are not incidents: MTTR and
the runs that prove a tier automated leave them out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from aref.errors import InvalidInputError
from aref.models import RecoveryTier
from aref.recovery.tiers import parse_tier

DRILL_INCIDENT_PREFIX = "INC-DRILL"
DRILL_CORRELATION_PREFIX = "drill"
DRILL_TRIGGER = "drill"


@dataclass(frozen=True)
class DrillPlan:
    """The tiers a drill runs, strictly ascending, with the runbook of each (same order); who asked for
    it; whether it is a dry run."""

    tiers: tuple[RecoveryTier, ...]
    by: str
    dry_run: bool = False
    runbooks: tuple[str, ...] = ()

    def runbook_at(self, tier: RecoveryTier) -> str | None:
        return next((name for t, name in zip(self.tiers, self.runbooks, strict=False) if t == tier), None)

    def after(self, tier: RecoveryTier) -> RecoveryTier | None:
        """The planned tier that follows ``tier``, None after the last."""
        return next((t for t in self.tiers if t > tier), None)

    @property
    def label(self) -> str:
        return "+".join(t.name for t in self.tiers)


def plan_drill(tiers: Sequence[object], *, by: str, dry_run: bool = False) -> DrillPlan:
    """A plan for ``tiers`` (``"T1"``, ``1``...); refuses none, unknown, repeated or descending tiers."""
    if isinstance(tiers, (str, bytes)) or not tiers:
        raise InvalidInputError("tiers", "name at least one tier, e.g. ['T0'] or ['T1', 'T2']")
    parsed = tuple(parse_tier(t) for t in tiers)
    if any(b <= a for a, b in itertools.pairwise(parsed)):
        raise InvalidInputError("tiers", f"must ascend without repeats, got {', '.join(t.name for t in parsed)}")
    if not by.strip():
        raise InvalidInputError("by", "must name who runs the drill")
    return DrillPlan(parsed, by.strip(), dry_run)


def is_drill(incident_id: str) -> bool:
    """Whether ``incident_id`` names a drill's incident."""
    return incident_id.startswith(f"{DRILL_INCIDENT_PREFIX}-")
