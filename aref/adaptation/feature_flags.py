"""Feature flags per service, and load shedding through them.

Every service has six flags named ``"<service>.<kind>"``. ``core_api`` and ``auth`` are
critical: adaptation (``Actor.AUTO``) may never disable them (``ConflictError``); a human may.
``restore`` re-enables only the flags adaptation itself switched off, so a human's choice
survives. Every effective change returns a ``FlagChange`` (the engine publishes it as
``adaptation.flag_changed``); setting a flag to its current value changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from aref.clock import Clock
from aref.errors import ConflictError, InvalidInputError, NotFoundError

FLAG_KINDS: tuple[str, ...] = ("analytics", "recommendations", "search", "experimental", "core_api", "auth")
CRITICAL_KINDS: frozenset[str] = frozenset({"core_api", "auth"})


class Actor(StrEnum):
    HUMAN = "human"
    AUTO = "auto"

    @classmethod
    def parse(cls, value: Actor | str) -> Actor:
        try:
            return cls(value)
        except ValueError:
            raise InvalidInputError("actor", f"must be one of {[a.value for a in cls]}") from None


@dataclass(frozen=True)
class FeatureFlag:
    service: str
    kind: str
    enabled: bool = True
    changed_by: Actor | None = None
    changed_at: float | None = None
    reason: str = ""

    @property
    def name(self) -> str:
        return f"{self.service}.{self.kind}"

    @property
    def critical(self) -> bool:
        return self.kind in CRITICAL_KINDS

    def to_status(self) -> dict[str, object]:
        return {
            "service": self.service,
            "kind": self.kind,
            "enabled": self.enabled,
            "critical": self.critical,
            "changed_by": self.changed_by.value if self.changed_by else None,
            "changed_at": self.changed_at,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class FlagChange:
    flag: str
    service: str
    enabled: bool
    reason: str
    actor: Actor


class FeatureFlagManager:
    def __init__(self, services: Sequence[str], clock: Clock) -> None:
        if not services:
            raise InvalidInputError("services", "must not be empty")
        self._clock = clock
        self._flags: dict[str, FeatureFlag] = {}
        for service in dict.fromkeys(services):
            for kind in FLAG_KINDS:
                flag = FeatureFlag(service, kind)
                self._flags[flag.name] = flag

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.service for f in self._flags.values()))

    def get(self, name: str) -> FeatureFlag:
        try:
            return self._flags[name]
        except KeyError:
            raise NotFoundError("flag", name) from None

    def is_enabled(self, name: str) -> bool:
        return self.get(name).enabled

    def flags(self, service: str | None = None) -> tuple[FeatureFlag, ...]:
        if service is not None:
            self._require_service(service)
        return tuple(f for f in self._flags.values() if service is None or f.service == service)

    def optional_enabled(self, service: str) -> tuple[str, ...]:
        """Names of the service's non-critical flags that are still on."""
        return tuple(f.name for f in self.flags(service) if f.enabled and not f.critical)

    def set(self, name: str, enabled: bool, *, actor: Actor | str = Actor.HUMAN, reason: str = "") -> FlagChange | None:
        """Switch one flag; None when it already has that value."""
        who = Actor.parse(actor)
        flag = self.get(name)
        if flag.critical and not enabled and who == Actor.AUTO:
            raise ConflictError(f"flag {name} is critical and is never disabled automatically")
        if flag.enabled == enabled:
            return None
        reason = reason or f"{who.value} toggle"
        self._flags[name] = dataclasses.replace(
            flag, enabled=enabled, changed_by=who, changed_at=self._clock.now(), reason=reason
        )
        return FlagChange(name, flag.service, enabled, reason, who)

    def shed_non_critical(self, service: str, reason: str = "shed non-critical load") -> tuple[FlagChange, ...]:
        """Disable every non-critical flag of ``service`` (adaptation's own action)."""
        changes = [self.set(name, False, actor=Actor.AUTO, reason=reason) for name in self.optional_enabled(service)]
        return tuple(c for c in changes if c is not None)

    def restore(self, service: str, reason: str = "restore shed load") -> tuple[FlagChange, ...]:
        """Re-enable the flags of ``service`` that adaptation disabled; human choices stay."""
        shed = [f.name for f in self.flags(service) if not f.enabled and f.changed_by == Actor.AUTO]
        changes = [self.set(name, True, actor=Actor.AUTO, reason=reason) for name in shed]
        return tuple(c for c in changes if c is not None)

    def load(self, flags: Iterable[FeatureFlag]) -> None:
        """Reinstate saved flag states; flags of unknown services or kinds are ignored."""
        for flag in flags:
            if flag.name in self._flags:
                self._flags[flag.name] = flag

    def _require_service(self, service: str) -> None:
        if f"{service}.{FLAG_KINDS[0]}" not in self._flags:
            raise NotFoundError("service", service)
