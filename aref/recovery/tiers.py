"""Recovery tiers T0–T4: who executes each tier, who approves it, and when its window closes.

Windows are cumulative from the start of a recovery (seed table: T0 0–5 min, T1 5–15 min,
T2 15–60 min, T3 1–4 h, T4 1–2 weeks), so a tier's target is the deadline by which the
recovery should be resolved before it escalates to the next tier. Targets come from
``RecoverySettings`` and must strictly increase from T0 to T4.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aref.config import RecoverySettings
from aref.errors import InvalidInputError
from aref.models import RecoveryTier


@dataclass(frozen=True)
class TierRole:
    name: str
    executor: str
    approval: str | None


TIER_ROLES: dict[RecoveryTier, TierRole] = {
    RecoveryTier.T0: TierRole("Emergency Stabilization", "automated", None),
    RecoveryTier.T1: TierRole("Minimum Viable Recovery", "incident commander", None),
    RecoveryTier.T2: TierRole("Functional Recovery", "engineering teams", "incident commander"),
    RecoveryTier.T3: TierRole("Full Restoration", "cross-functional", "management"),
    RecoveryTier.T4: TierRole("Post-Incident Hardening", "platform team", "planning"),
}

AUTONOMOUS_TIERS: frozenset[RecoveryTier] = frozenset(t for t, role in TIER_ROLES.items() if role.approval is None)
"""Tiers that must run without external dependencies or approvals (T0 and T1)."""


def next_tier(tier: RecoveryTier) -> RecoveryTier | None:
    """The tier a recovery escalates to from ``tier``; None after T4."""
    return RecoveryTier(tier + 1) if tier < max(RecoveryTier) else None


def parse_tier(value: object) -> RecoveryTier:
    """Accept ``"T2"``, ``"t2"``, ``2`` or a ``RecoveryTier``."""
    if isinstance(value, RecoveryTier):
        return value
    text = str(value).strip().upper() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    number = text[1:] if text.startswith("T") else text
    if number.isdigit() and int(number) in RecoveryTier._value2member_map_:
        return RecoveryTier(int(number))
    known = ", ".join(t.name for t in RecoveryTier)
    raise InvalidInputError("tier", f"unknown tier {value!r} (known: {known})")


@dataclass(frozen=True)
class TierSpec:
    tier: RecoveryTier
    name: str
    executor: str
    approval: str | None
    window_start_seconds: float
    target_seconds: float

    @property
    def label(self) -> str:
        return self.tier.name

    @property
    def needs_approval(self) -> bool:
        return self.approval is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.label,
            "name": self.name,
            "executor": self.executor,
            "approval": self.approval,
            "window_start_seconds": self.window_start_seconds,
            "target_seconds": self.target_seconds,
        }


class TierLadder:
    """The five tier specs with their windows taken from settings."""

    def __init__(self, settings: RecoverySettings) -> None:
        targets = {
            RecoveryTier.T0: settings.t0_target_seconds,
            RecoveryTier.T1: settings.t1_target_seconds,
            RecoveryTier.T2: settings.t2_target_seconds,
            RecoveryTier.T3: settings.t3_target_seconds,
            RecoveryTier.T4: settings.t4_target_seconds,
        }
        specs: dict[RecoveryTier, TierSpec] = {}
        start = 0.0
        for tier in RecoveryTier:
            target = targets[tier]
            if target <= start:
                previous = f"t{tier - 1}_target_seconds"
                raise InvalidInputError(f"t{int(tier)}_target_seconds", f"must be greater than {previous} ({start:g})")
            role = TIER_ROLES[tier]
            specs[tier] = TierSpec(tier, role.name, role.executor, role.approval, start, target)
            start = target
        self._specs = specs

    def spec(self, tier: RecoveryTier) -> TierSpec:
        return self._specs[tier]

    def target(self, tier: RecoveryTier) -> float:
        """Seconds after the recovery started by which ``tier`` should have resolved it."""
        return self._specs[tier].target_seconds

    def __iter__(self) -> Iterator[TierSpec]:
        return iter(self._specs.values())
