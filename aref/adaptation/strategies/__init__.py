"""The strategy registry: the one place strategies are listed.

Adding a strategy is a new module in this package plus one entry in ``DEFAULT_STRATEGIES``;
the decision tree orders them by impact and never names any of them.
"""

from __future__ import annotations

from aref.adaptation.strategies.base import Strategy
from aref.adaptation.strategies.degrade import DegradeScope
from aref.adaptation.strategies.escalate import EscalateToRecovery
from aref.adaptation.strategies.observe import Observe
from aref.adaptation.strategies.scale_out import ScaleOut
from aref.adaptation.strategies.shed_load import ShedLoad
from aref.adaptation.strategies.shift_traffic import ShiftToBackup

DEFAULT_STRATEGIES: tuple[Strategy, ...] = (
    Observe(),
    ShedLoad(),
    ShiftToBackup(),
    ScaleOut(),
    DegradeScope(),
    EscalateToRecovery(),
)

__all__ = [
    "DEFAULT_STRATEGIES",
    "DegradeScope",
    "EscalateToRecovery",
    "Observe",
    "ScaleOut",
    "ShedLoad",
    "ShiftToBackup",
    "Strategy",
]
