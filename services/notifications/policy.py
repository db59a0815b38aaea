"""Notification policy as pure functions: priorities, shed levels, retry backoff, templates.

Priorities are ordered ``low < normal < high < critical``. A shed level is the lowest
priority still delivered (``low`` = nothing shed; ``critical`` is never shed). The effective
level is the stricter of the operator's level and the one feature flags imply: each of its four
optional flags (``NOTIFICATION_SHEDDING_KINDS``) adaptation (or a human) switched off is one step of graceful
degradation (none -> keep all, 1-2 off -> drop ``low``, 3 -> drop ``normal``, 4 -> drop ``high``).
The degradation tier adds a floor (``tier_floor``): reduced sheds ``low``, minimal ``normal``
too, and from reduced on a message is attempted once (``notification_retries`` off).
Traffic weights pick a message's route (``route_channel``): ``primary`` sends on the channel asked
for, ``backup`` on that channel's fallback (``FALLBACK_CHANNEL``).
Retry delays are exponential (``base * factor**n``, capped), computed, never slept.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aref.absorption.degradation import LOW_PRIORITY_NOTIFICATIONS, NORMAL_PRIORITY_NOTIFICATIONS
from aref.adaptation.feature_flags import NOTIFICATION_SHEDDING_KINDS
from aref.errors import InvalidInputError

CHANNELS: tuple[str, ...] = ("email", "sms", "push", "webhook")


FALLBACK_CHANNEL: Mapping[str, str] = {"email": "sms", "sms": "email", "push": "email", "webhook": "email"}


def route_channel(channel: str, traffic: Mapping[str, int], u: float) -> tuple[str, str]:
    """``(route, channel)`` for a message asked on ``channel``: the draw ``u`` in [0, 1) falls in the
    ``primary`` or ``backup`` weight (adaptation's traffic for notifications; none: all primary)."""
    if not 0 <= u < 1:
        raise InvalidInputError("u", "must be in [0, 1)")
    primary = max(int(traffic.get("primary", 0)), 0)
    backup = max(int(traffic.get("backup", 0)), 0)
    if primary + backup == 0 or u * (primary + backup) < primary:
        return "primary", channel
    return "backup", FALLBACK_CHANNEL.get(channel, channel)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Priority).index(self)

    @classmethod
    def parse(cls, value: Any, field: str = "priority") -> Priority:
        try:
            return cls(value)
        except ValueError:
            raise InvalidInputError(field, f"must be one of {', '.join(p.value for p in cls)}") from None


SHED_BY_FLAGS_OFF: tuple[Priority, ...] = (
    Priority.LOW,
    Priority.NORMAL,
    Priority.NORMAL,
    Priority.HIGH,
    Priority.CRITICAL,
)
"""Lowest priority still delivered, indexed by how many non-critical flags are off (0..4)."""


def flag_shed_level(flags: Mapping[str, bool], service: str = "notifications") -> Priority:
    """The shed level implied by the service's flags (``"<service>.<kind>"`` or ``"<kind>"`` names)."""
    off = 0
    for kind in NOTIFICATION_SHEDDING_KINDS:
        enabled = flags.get(f"{service}.{kind}", flags.get(kind, True))
        off += not enabled
    return SHED_BY_FLAGS_OFF[off]


def effective_level(manual: Priority, flags: Mapping[str, bool], service: str = "notifications") -> Priority:
    return max(manual, flag_shed_level(flags, service), key=lambda p: p.rank)


def tier_floor(feature_on: Callable[[str], bool]) -> Priority:
    """The lowest priority the degradation tier still lets through (``feature_on`` asks the tier)."""
    if not feature_on(NORMAL_PRIORITY_NOTIFICATIONS):
        return Priority.HIGH
    if not feature_on(LOW_PRIORITY_NOTIFICATIONS):
        return Priority.NORMAL
    return Priority.LOW


SHED_BY_FLAGS = "shed_by_flags"
SHED_BY_TIER = "shed_by_tier"
SHED_BY_OPERATOR = "shed_by_operator"


def shed_cause(priority: Priority, manual: Priority, flags: Mapping[str, bool], floor: Priority) -> str | None:
    """What shed a message of ``priority`` (flags first, then the tier, then the operator); None if kept."""
    for cause, level in (
        (SHED_BY_FLAGS, flag_shed_level(flags)),
        (SHED_BY_TIER, floor),
        (SHED_BY_OPERATOR, manual),
    ):
        if is_shed(priority, level):
            return cause
    return None


def is_shed(priority: Priority, level: Priority) -> bool:
    """Whether a message of ``priority`` is dropped at shed ``level`` (critical never is)."""
    return priority is not Priority.CRITICAL and priority.rank < level.rank


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    base_delay_s: float = 0.5
    factor: float = 2.0
    max_delay_s: float = 30.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 10:
            raise InvalidInputError("max_attempts", "must be between 1 and 10")
        if self.base_delay_s < 0 or self.max_delay_s < self.base_delay_s:
            raise InvalidInputError("base_delay_s", "must be >= 0 and <= max_delay_s")
        if self.factor < 1:
            raise InvalidInputError("factor", "must be >= 1")

    def delay_before(self, attempt: int) -> float:
        """Backoff before attempt ``attempt`` (1-based): 0 before the first."""
        if attempt < 1:
            raise InvalidInputError("attempt", "must be >= 1")
        if attempt == 1:
            return 0.0
        return min(self.max_delay_s, self.base_delay_s * self.factor ** (attempt - 2))


BUILTIN_TEMPLATES: Mapping[str, str] = {
    "order_receipt": "Thanks {customer}! Order {order_id} is confirmed: {total} {currency}.",
    "payment_failed": "Payment for order {order_id} failed; the order was cancelled.",
    "order_cancelled": "Order {order_id} was cancelled: {reason}.",
    "low_stock": "SKU {sku} is low on stock ({available} left).",
}


def placeholders(template: str) -> tuple[str, ...]:
    """The field names a template needs, in order of appearance."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise InvalidInputError("template", str(exc)) from None
    if any(not n.isidentifier() for n in names):
        raise InvalidInputError("template", "placeholders must be plain names like {order_id}")
    return tuple(dict.fromkeys(names))


def render(template: str, params: Mapping[str, Any]) -> str:
    missing = [name for name in placeholders(template) if name not in params]
    if missing:
        raise InvalidInputError(f"params.{missing[0]}", "is required by the template")
    return template.format_map({k: params[k] for k in placeholders(template)})
