"""The error-budget policy: a service that has spent its error budget sheds its optional features.

Adaptation learns a budget from the alerts that carry one: an ``slo_burn`` alert's payload
details hold ``budget_consumed`` (0..1, above 1 when the SLO is broken) each time it fires or
escalates. When a page-level alert (critical or worse) of an SLO of a service reports ``trigger``
or more consumed, the service's non-critical flags are switched off (``Actor.AUTO``); a ticket (a
warning-level, slow burn) never freezes: it is for a human, and with the budget spent it would
re-freeze the service each time its windows roll over. They come back once no SLO of the service
is past the trigger any more: a later alert of that SLO reports the budget under it, or the alert
that reported it resolves. Only the flags this policy switched off come back, and only while
adaptation still holds them off (a human's later choice stands).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from aref.adaptation.feature_flags import Actor, FeatureFlagManager, FlagChange
from aref.adaptation.signals import AlertSignal
from aref.errors import InvalidInputError
from aref.events import Severity


@dataclass(frozen=True)
class BudgetFreeze:
    """A service whose optional features are off because SLOs of it spent their budget (persisted)."""

    service: str
    spent: Mapping[str, str] = field(default_factory=dict)
    """Fingerprint -> id of the alert that reported the SLO past the trigger."""
    shed: tuple[str, ...] = ()
    """The flags the freeze switched off."""


@dataclass(frozen=True)
class BudgetChange:
    service: str
    frozen: bool
    changes: tuple[FlagChange, ...]
    reason: str


class ErrorBudgetPolicy:
    def __init__(self, flags: FeatureFlagManager, trigger: float) -> None:
        if not 0.0 <= trigger <= 1.0:
            raise InvalidInputError("trigger", "must be between 0 and 1")
        self.trigger = trigger
        self._flags = flags
        self._spent: dict[str, dict[str, str]] = {}
        self._shed: dict[str, tuple[str, ...]] = {}

    def frozen(self, service: str) -> bool:
        return bool(self._spent.get(service))

    def observe(self, signal: AlertSignal) -> BudgetChange | None:
        """Read the budget an alert reports; the flags changed if the service froze or thawed."""
        consumed = signal.budget_consumed
        if consumed is None or signal.service not in self._flags.services:
            return None
        was = self.frozen(signal.service)
        if consumed >= self.trigger and signal.severity.rank < Severity.CRITICAL.rank:
            return None  # a ticket never freezes (a slow burn is for humans); it may still thaw
        spent = self._spent.setdefault(signal.service, {})
        if consumed >= self.trigger:
            spent[signal.fingerprint] = signal.alert_id
        else:
            spent.pop(signal.fingerprint, None)
        verb = "reached" if consumed >= self.trigger else "is back under"
        reason = f"{signal.metric} error budget {consumed:.0%} consumed {verb} the {self.trigger:.0%} trigger"
        return self._settle(signal.service, was, reason)

    def resolved(self, alert_id: str, service: str) -> BudgetChange | None:
        """An alert resolved: the budget it reported no longer holds the service frozen."""
        spent = self._spent.get(service)
        if not spent:
            return None
        for fingerprint in [f for f, a in spent.items() if a == alert_id]:
            del spent[fingerprint]
        return self._settle(service, True, f"alert {alert_id} that reported the spent error budget resolved")

    def _settle(self, service: str, was: bool, reason: str) -> BudgetChange | None:
        now = self.frozen(service)
        if now == was:
            return None
        if now:
            changes = self._flags.shed_non_critical(service, reason=reason)
            self._shed[service] = tuple(c.flag for c in changes)
            return BudgetChange(service, True, changes, reason)
        self._spent.pop(service, None)
        restored = []
        for name in self._shed.pop(service, ()):
            flag = self._flags.get(name)
            if flag.enabled or flag.changed_by != Actor.AUTO:
                continue  # someone switched it since: their choice stands
            change = self._flags.set(name, True, actor=Actor.AUTO, reason=reason)
            if change is not None:
                restored.append(change)
        return BudgetChange(service, False, tuple(restored), reason)

    def states(self) -> tuple[BudgetFreeze, ...]:
        return tuple(
            BudgetFreeze(service, dict(spent), self._shed.get(service, ()))
            for service, spent in self._spent.items()
            if spent
        )

    def load(self, states: Iterable[BudgetFreeze]) -> None:
        """Reinstate saved freezes; those of unknown services, and shed flags that no longer exist, are ignored."""
        self._spent.clear()
        self._shed.clear()
        for state in states:
            if state.service in self._flags.services and state.spent:
                self._spent[state.service] = dict(state.spent)
                self._shed[state.service] = tuple(name for name in state.shed if self._flags.exists(name))
