"""The shape every adaptation strategy has.

A strategy has a unique ``name``, an ``impact`` rank (lower = less disruptive; the tree picks
the lowest that applies), a one-line ``purpose``, ``applies(context)`` and ``plan(context)``.
``plan`` is only called when ``applies`` returned True and returns the actions to execute.
"""

from __future__ import annotations

from typing import Protocol

from aref.adaptation.actions import Action
from aref.adaptation.context import DecisionContext


class Strategy(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def impact(self) -> int: ...

    @property
    def purpose(self) -> str: ...

    def applies(self, ctx: DecisionContext) -> bool: ...

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]: ...
