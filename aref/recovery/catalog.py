"""The runbooks a recovery engine can run, and which one fits a tier and service.

Every runbook entering the catalog goes through ``validate_runbook`` (the same schema and
rules as a YAML file, and, given ``capabilities``, only what the runner can perform). Names
are unique. For a tier, a runbook written for the incident's service wins over a generic one
(no ``service``); among equals the first registered wins. A runbook whose ``trigger`` is
``drill`` is drill-only: no recovery of an incident runs it, a drill runs it when named.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from aref.errors import InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.recovery.drills import DRILL_TRIGGER
from aref.recovery.runbook import Runbook
from aref.recovery.runbook_schema import validate_runbook
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, Capabilities, StepKindRegistry


class RunbookCatalog:
    def __init__(
        self,
        runbooks: Iterable[Runbook],
        kinds: StepKindRegistry = DEFAULT_STEP_KINDS,
        capabilities: Capabilities | None = None,
    ) -> None:
        checked: dict[str, Runbook] = {}
        for runbook in runbooks:
            if runbook.name in checked:
                raise InvalidInputError(
                    "runbooks", f"duplicate runbook name {runbook.name!r}", source=runbook.source or None
                )
            checked[runbook.name] = validate_runbook(runbook, kinds=kinds, capabilities=capabilities)
        self._runbooks = checked

    def for_tier(self, tier: RecoveryTier, service: str) -> Runbook | None:
        """The runbook to run when a recovery of ``service`` enters ``tier``; None if there is none."""
        candidates = [
            r
            for r in self._runbooks.values()
            if r.tier == tier and r.service in (service, None) and r.trigger != DRILL_TRIGGER
        ]
        specific = [r for r in candidates if r.service == service]
        chosen = specific or candidates
        return chosen[0] if chosen else None

    def for_drill(self, service: str, tiers: Iterable[RecoveryTier], names: Iterable[str] = ()) -> tuple[Runbook, ...]:
        """What a drill of ``service`` runs: the runbooks ``names`` (drill-only ones included), else
        the runbook of each tier; InvalidInputError for a name unknown or written for another service
        and for a tier without a runbook."""
        named = tuple(names)
        if not named:
            found = [(t, self.for_tier(t, service)) for t in tiers]
            missing = [t.name for t, runbook in found if runbook is None]
            if missing:
                raise InvalidInputError("tiers", f"no runbook for {service} at {', '.join(missing)}")
            return tuple(runbook for _, runbook in found if runbook is not None)
        unknown = [n for n in named if n not in self._runbooks]
        if unknown:
            raise InvalidInputError("runbooks", f"unknown runbooks {', '.join(unknown)}")
        books = tuple(self._runbooks[n] for n in named)
        foreign = [f"{r.name} (for {r.service})" for r in books if r.service not in (service, None)]
        if foreign:
            raise InvalidInputError("runbooks", f"not written for {service}: {', '.join(foreign)}")
        return books

    def get(self, name: str) -> Runbook:
        try:
            return self._runbooks[name]
        except KeyError:
            raise NotFoundError("runbook", name) from None

    def summary(self) -> list[dict[str, Any]]:
        return [r.summary() for r in self._runbooks.values()]

    def __iter__(self) -> Iterator[Runbook]:
        return iter(self._runbooks.values())

    def __len__(self) -> int:
        return len(self._runbooks)
