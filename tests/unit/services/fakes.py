"""Shared test doubles for the shop: counting ids, a scripted fault source, a fake control link."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any


def counting_ids() -> Callable[[str], str]:
    """``ORD-1``, ``PAY-2``, ... : one counter for every prefix, so ids are predictable."""
    numbers = itertools.count(1)
    return lambda prefix: f"{prefix}-{next(numbers)}"


def scripted(outcomes: Iterable[bool]) -> Callable[..., bool]:
    """A fault source answering the given outcomes in order (True = this attempt fails), then False."""
    remaining = iter(outcomes)
    return lambda *_: next(remaining, False)


class FakeLink:
    """The pillar actors as the replica sees them; ``up`` False plays missing actors."""

    def __init__(self) -> None:
        self.up = True
        self.broken = False
        self.telemetry: list[list[dict[str, Any]]] = []
        self.reports: list[list[dict[str, Any]]] = []
        self.board_answer: dict[str, Any] | None = None
        self.decisions_answer: dict[str, Any] | None = None
        self.control_answer: dict[str, Any] | None = None
        self.asked_since: list[int] = []

    async def push_telemetry(self, records: list[dict[str, Any]]) -> bool:
        self._check()
        if self.up:
            self.telemetry.append(records)
        return self.up

    async def push_reports(self, reports: list[dict[str, Any]]) -> bool:
        self._check()
        if self.up:
            self.reports.append(reports)
        return self.up

    async def board(self, service: str) -> dict[str, Any] | None:
        self._check()
        return self.board_answer if self.up else None

    async def decisions_since(self, version: int) -> dict[str, Any] | None:
        self._check()
        self.asked_since.append(version)
        return self.decisions_answer if self.up else None

    async def control_for(self, service: str) -> dict[str, Any] | None:
        self._check()
        return self.control_answer if self.up else None

    def _check(self) -> None:
        if self.broken:
            raise RuntimeError("actor died")
