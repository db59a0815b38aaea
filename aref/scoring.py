"""The AREF formulas: MTTD, MTTR, availability, error budget and the Composite Resilience Score.

CRS = Σ wᵢ·Mᵢ over the five pillars, where Mᵢ is a pillar's maturity level (1.0–5.0) and the
weights come from a risk profile (they sum to 1). ``crs_percent`` rescales to 0–100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from aref.errors import InvalidInputError
from aref.models import Incident, Pillar


class RiskProfile(StrEnum):
    BALANCED = "balanced"
    AVAILABILITY_CRITICAL = "availability_critical"
    DATA_INTEGRITY_CRITICAL = "data_integrity_critical"
    INNOVATION_HEAVY = "innovation_heavy"

    @classmethod
    def parse(cls, name: str) -> RiskProfile:
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(p.value for p in cls)
            raise InvalidInputError("risk_profile", f"unknown profile {name!r} (known: {known})") from None


def _weights(d: float, ab: float, ad: float, r: float, e: float) -> Mapping[Pillar, float]:
    return dict(zip(Pillar, (d, ab, ad, r, e), strict=True))


RISK_PROFILE_WEIGHTS: Mapping[RiskProfile, Mapping[Pillar, float]] = {
    RiskProfile.BALANCED: _weights(0.20, 0.20, 0.20, 0.20, 0.20),
    RiskProfile.AVAILABILITY_CRITICAL: _weights(0.30, 0.25, 0.20, 0.15, 0.10),
    RiskProfile.DATA_INTEGRITY_CRITICAL: _weights(0.20, 0.20, 0.15, 0.30, 0.15),
    RiskProfile.INNOVATION_HEAVY: _weights(0.15, 0.15, 0.25, 0.15, 0.30),
}

MIN_LEVEL, MAX_LEVEL = 1.0, 5.0


def crs(levels: Mapping[Pillar, float], profile: RiskProfile | str = RiskProfile.BALANCED) -> float:
    """Composite Resilience Score on the 1–5 maturity scale."""
    weights = RISK_PROFILE_WEIGHTS[profile if isinstance(profile, RiskProfile) else RiskProfile.parse(profile)]
    missing = [p.value for p in Pillar if p not in levels]
    if missing:
        raise InvalidInputError("levels", f"missing pillars: {', '.join(missing)}")
    for pillar, level in levels.items():
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise InvalidInputError(f"levels.{pillar.value}", f"{level} is outside {MIN_LEVEL}–{MAX_LEVEL}")
    return sum(weights[p] * levels[p] for p in Pillar)


def crs_percent(score: float) -> float:
    """Map a CRS on the 1–5 scale to 0–100 (1 → 0, 5 → 100)."""
    return (score - MIN_LEVEL) / (MAX_LEVEL - MIN_LEVEL) * 100.0


def crs_all_profiles(levels: Mapping[Pillar, float]) -> dict[RiskProfile, float]:
    return {profile: crs(levels, profile) for profile in RiskProfile}


def mttd(incidents: Iterable[Incident]) -> float | None:
    """Mean time to detect (onset → detected), over incidents that were detected."""
    times = [t for i in incidents if (t := i.time_to_detect) is not None]
    return fmean(times) if times else None


def mttr(incidents: Iterable[Incident]) -> float | None:
    """Mean time to recover (onset → resolved), over resolved incidents."""
    times = [t for i in incidents if (t := i.time_to_resolve) is not None]
    return fmean(times) if times else None


def availability(good: int, total: int) -> float:
    """Fraction of good events; 1.0 when nothing happened."""
    if good < 0 or total < 0:
        raise InvalidInputError("good" if good < 0 else "total", "must be >= 0")
    if good > total:
        raise InvalidInputError("good", "cannot exceed total")
    return good / total if total else 1.0


@dataclass(frozen=True)
class ErrorBudget:
    slo_target: float
    total: int
    bad: int

    @property
    def allowed_bad(self) -> float:
        return (1.0 - self.slo_target) * self.total

    @property
    def consumed(self) -> float:
        """Fraction of the budget spent; above 1.0 the SLO is broken."""
        if self.allowed_bad == 0:
            return 0.0 if self.bad == 0 else float("inf")
        return self.bad / self.allowed_bad

    @property
    def remaining(self) -> float:
        """Fraction of the budget left, floored at 0."""
        return max(0.0, 1.0 - self.consumed)


def error_budget(slo_target: float, good: int, total: int) -> ErrorBudget:
    if not 0.0 < slo_target < 1.0:
        raise InvalidInputError("slo_target", "must be strictly between 0 and 1")
    availability(good, total)
    return ErrorBudget(slo_target=slo_target, total=total, bad=total - good)
