"""Notification policy as pure functions: priorities, shed levels, retry backoff, templates.

Priorities are ordered ``low < normal < high < critical``. A shed level is the lowest
priority still delivered (``low`` = nothing shed; ``critical`` is never shed). The effective
level is the stricter of the operator's level and the one feature flags imply: each
non-critical flag of the service adaptation (or a human) switched off is one step of graceful
degradation (none -> keep all, 1-2 off -> drop ``low``, 3 -> drop ``normal``, 4 -> drop ``high``).
Retry delays are exponential (``base * factor**n``, capped), computed, never slept.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aref.errors import InvalidInputError

CHANNELS: tuple[str, ...] = ("email", "sms", "push", "webhook")
NON_CRITICAL_FLAGS: tuple[str, ...] = ("analytics", "recommendations", "search", "experimental")


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
    for kind in NON_CRITICAL_FLAGS:
        enabled = flags.get(f"{service}.{kind}", flags.get(kind, True))
        off += not enabled
    return SHED_BY_FLAGS_OFF[off]


def effective_level(manual: Priority, flags: Mapping[str, bool], service: str = "notifications") -> Priority:
    return max(manual, flag_shed_level(flags, service), key=lambda p: p.rank)


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
