"""Feature flags per service, and load shedding through them.

Each service has only the flags that change something on its request path, named
``"<service>.<kind>"`` (``flag_kinds``): every service ``analytics`` and ``core_api``; the
gateway also ``receipts`` (the order pipeline's call to notifications); notifications also
``recommendations``, ``search`` and ``experimental``, each one more step of its notification
shedding. ``flag_effect`` states what switching a flag off does. ``core_api`` is
critical: adaptation (``Actor.AUTO``) may never disable it (``ConflictError``); a human may.
``restore`` re-enables only the flags adaptation itself switched off, so a human's choice
survives. Every effective change returns a ``FlagChange`` (the engine publishes it as
``adaptation.flag_changed``); setting a flag to its current value changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from aref.clock import Clock
from aref.errors import ConflictError, InvalidInputError, NotFoundError

CRITICAL_KINDS: frozenset[str] = frozenset({"core_api"})
COMMON_KINDS: tuple[str, ...] = ("analytics", "core_api")
NOTIFICATION_SHEDDING_KINDS: tuple[str, ...] = ("analytics", "recommendations", "search", "experimental")
"""The notifications flags whose count switched off sets the shed level (services/notifications/policy.py)."""
SERVICE_KINDS: Mapping[str, tuple[str, ...]] = {
    "gateway": ("analytics", "receipts", "core_api"),
    "notifications": (*NOTIFICATION_SHEDDING_KINDS, "core_api"),
}
"""Services with more flags than ``COMMON_KINDS``."""

COMMON_EFFECTS: Mapping[str, str] = {
    "core_api": "off: the service refuses its business requests with 503 (health and ops routes still answer)",
    "analytics": "off: replicas stop recording per-request Prometheus metrics",
}
SERVICE_EFFECTS: Mapping[tuple[str, str], str] = {
    ("gateway", "analytics"): "the gateway keeps no request log (GET /gateway/api/gateway/requests)",
    ("gateway", "receipts"): (
        "off: the order pipeline skips the receipt (send_receipt skipped, no call to notifications); "
        "orders still complete"
    ),
}
NOTIFICATION_SHEDDING = (
    "off: one more step of notification shedding (1-2 optional flags off drop low, 3 normal, 4 high; "
    "critical is never shed)"
)


def flag_kinds(service: str) -> tuple[str, ...]:
    """The kinds of flag ``service`` has: those with an effect on its request path."""
    return SERVICE_KINDS.get(service, COMMON_KINDS)


def flag_effect(service: str, kind: str) -> str:
    """What switching ``<service>.<kind>`` off does on a request path; NotFoundError if there is no such flag."""
    if kind not in flag_kinds(service):
        raise NotFoundError("flag", f"{service}.{kind}")
    effects = [NOTIFICATION_SHEDDING] if service == "notifications" and kind in NOTIFICATION_SHEDDING_KINDS else []
    effects += [COMMON_EFFECTS[kind]] if kind in COMMON_EFFECTS else []
    effects += [SERVICE_EFFECTS[(service, kind)]] if (service, kind) in SERVICE_EFFECTS else []
    return "; ".join(effects)


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

    @property
    def effect(self) -> str:
        return flag_effect(self.service, self.kind)

    def to_status(self) -> dict[str, object]:
        return {
            "service": self.service,
            "kind": self.kind,
            "enabled": self.enabled,
            "critical": self.critical,
            "effect": self.effect,
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
        self._services = tuple(dict.fromkeys(services))
        self._flags: dict[str, FeatureFlag] = {}
        for service in self._services:
            for kind in flag_kinds(service):
                flag = FeatureFlag(service, kind)
                self._flags[flag.name] = flag

    @property
    def services(self) -> tuple[str, ...]:
        return self._services

    def get(self, name: str) -> FeatureFlag:
        try:
            return self._flags[name]
        except KeyError:
            raise NotFoundError("flag", name) from None

    def exists(self, name: str) -> bool:
        return name in self._flags

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
        """Reinstate saved flag states; flags of unknown services or kinds (also removed ones) are ignored."""
        for flag in flags:
            if flag.name in self._flags:
                self._flags[flag.name] = flag

    def _require_service(self, service: str) -> None:
        if service not in self._services:
            raise NotFoundError("service", service)
