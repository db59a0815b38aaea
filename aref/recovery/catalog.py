"""The runbooks a recovery engine can run, and which one fits a tier and service.

Every runbook entering the catalog goes through ``validate_runbook`` (the same schema and
rules as a YAML file). Names are unique. For a tier, a runbook written for the incident's
service wins over a generic one (no ``service``); among equals the first registered wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from aref.errors import InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.recovery.runbook import Runbook
from aref.recovery.runbook_schema import validate_runbook
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, StepKindRegistry


class RunbookCatalog:
    def __init__(self, runbooks: Iterable[Runbook], kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> None:
        checked: dict[str, Runbook] = {}
        for runbook in runbooks:
            if runbook.name in checked:
                raise InvalidInputError(
                    "runbooks", f"duplicate runbook name {runbook.name!r}", source=runbook.source or None
                )
            checked[runbook.name] = validate_runbook(runbook, kinds=kinds)
        self._runbooks = checked

    def for_tier(self, tier: RecoveryTier, service: str) -> Runbook | None:
        """The runbook to run when a recovery of ``service`` enters ``tier``; None if there is none."""
        candidates = [r for r in self._runbooks.values() if r.tier == tier and r.service in (service, None)]
        specific = [r for r in candidates if r.service == service]
        chosen = specific or candidates
        return chosen[0] if chosen else None

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
