"""Maturity levels L1–L5 (aligned with ISO 22316), ordered so ``L2 < L3``."""

from __future__ import annotations

from enum import IntEnum


class MaturityLevel(IntEnum):
    L1 = 1
    L2 = 2
    L3 = 3
    L4 = 4
    L5 = 5

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @property
    def next(self) -> MaturityLevel | None:
        return None if self is MaturityLevel.L5 else MaturityLevel(self + 1)


_LABELS = {
    MaturityLevel.L1: "Reactive",
    MaturityLevel.L2: "Managed",
    MaturityLevel.L3: "Defined",
    MaturityLevel.L4: "Measured",
    MaturityLevel.L5: "Optimizing",
}

_DESCRIPTIONS = {
    MaturityLevel.L1: "Ad-hoc, tribal knowledge",
    MaturityLevel.L2: "Basic monitoring, runbooks exist",
    MaturityLevel.L3: "Standardized processes, regular drills",
    MaturityLevel.L4: "Quantitative-driven, automated",
    MaturityLevel.L5: "Predictive, antifragile",
}
