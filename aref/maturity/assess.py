"""Maturity assessment: a level per pillar, the gaps to the next level, and the CRS.

A pillar is at level N when every criterion of levels 2..N holds (L1 always does); the
first level with a failing criterion stops the climb, even if higher criteria hold. The
gaps of a pillar are exactly the unmet criteria of the level right above it (none at L5).
The CRS uses the pillar levels under every risk profile (``aref.scoring``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aref.maturity.criteria import CRITERIA, Criterion, MaturityContext, validate
from aref.maturity.evidence import Verdict
from aref.maturity.levels import MaturityLevel
from aref.models import Pillar
from aref.scoring import RiskProfile, crs_all_profiles, crs_percent


@dataclass(frozen=True)
class PillarAssessment:
    pillar: Pillar
    level: MaturityLevel
    met: tuple[Criterion, ...]
    unmet: tuple[Criterion, ...]
    gaps: tuple[Criterion, ...]
    verdicts: tuple[tuple[Criterion, Verdict], ...] = ()
    """Every criterion of the pillar, by level, with its verdict."""

    @property
    def next_level(self) -> MaturityLevel | None:
        return self.level.next

    def to_dict(self) -> dict[str, Any]:
        nxt = self.next_level
        return {
            "level": int(self.level),
            "label": self.level.label,
            "description": self.level.description,
            "next_level": None if nxt is None else int(nxt),
            "met": [c.id for c in self.met],
            "unmet": [c.id for c in self.unmet],
            "gaps": [c.to_dict() for c in self.gaps],
            "criteria": [criterion_view(c, v) for c, v in self.verdicts],
        }


def criterion_view(criterion: Criterion, verdict: Verdict) -> dict[str, Any]:
    """A criterion with its verdict: the evidence that made it true, or why it does not hold."""
    return {
        "id": criterion.id,
        "level": int(criterion.level),
        "description": criterion.description,
        "holds": verdict.holds,
        "evidence": [{"kind": e.kind.value, "ref": e.ref, "at": e.at, "note": e.note} for e in verdict.evidence],
        "reason": None if verdict.holds else verdict.reason,
    }


@dataclass(frozen=True)
class Assessment:
    pillars: Mapping[Pillar, PillarAssessment]
    crs_by_profile: Mapping[RiskProfile, float]
    profile: RiskProfile

    @property
    def levels(self) -> dict[Pillar, MaturityLevel]:
        return {p: a.level for p, a in self.pillars.items()}

    @property
    def crs(self) -> float:
        """The CRS under the assessment's chosen risk profile."""
        return self.crs_by_profile[self.profile]

    def gap_analysis(self) -> dict[Pillar, tuple[Criterion, ...]]:
        return {p: a.gaps for p, a in self.pillars.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile.value,
            "crs": self.crs,
            "crs_percent": crs_percent(self.crs),
            "crs_by_profile": {p.value: score for p, score in self.crs_by_profile.items()},
            "pillars": {p.value: a.to_dict() for p, a in self.pillars.items()},
        }


class MaturityAssessor:
    """Assesses a ``MaturityContext`` against a set of criteria (default: ``CRITERIA``)."""

    def __init__(
        self, criteria: Sequence[Criterion] = CRITERIA, profile: RiskProfile | str = RiskProfile.BALANCED
    ) -> None:
        self._criteria = validate(tuple(criteria))
        self._profile = profile if isinstance(profile, RiskProfile) else RiskProfile.parse(profile)

    def assess(self, context: MaturityContext) -> Assessment:
        pillars = {pillar: self._assess_pillar(pillar, context) for pillar in Pillar}
        scores = crs_all_profiles({p: float(a.level) for p, a in pillars.items()})
        return Assessment(pillars=pillars, crs_by_profile=scores, profile=self._profile)

    def _assess_pillar(self, pillar: Pillar, context: MaturityContext) -> PillarAssessment:
        own = sorted((c for c in self._criteria if c.pillar == pillar), key=lambda c: c.level)
        verdicts = [(c, c.judge(context)) for c in own]
        results = [(c, v.holds) for c, v in verdicts]
        level = MaturityLevel.L1
        for candidate in list(MaturityLevel)[1:]:
            if not all(ok for c, ok in results if c.level == candidate):
                break
            level = candidate
        nxt = level.next
        return PillarAssessment(
            pillar=pillar,
            level=level,
            met=tuple(c for c, ok in results if ok),
            unmet=tuple(c for c, ok in results if not ok),
            gaps=tuple(c for c, ok in results if not ok and c.level == nxt),
            verdicts=tuple(verdicts),
        )
