"""The one AREF error hierarchy.

Edges map these to HTTP status codes (API) and exit codes (CLI); nothing else
should be raised across a module boundary for expected failures.
"""

from __future__ import annotations


class ArefError(Exception):
    """Base of every expected AREF failure."""


class InvalidInputError(ArefError, ValueError):
    """Input that breaks a rule; names the offending field (and file, when there is one)."""

    def __init__(self, field: str, reason: str, *, source: str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{field}: {reason}")


class NotFoundError(ArefError, LookupError):
    """A named thing (service, alert, incident, runbook, ...) does not exist."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"unknown {kind}: {key!r}")


class ConflictError(ArefError):
    """The request is valid but not in the current state (e.g. an illegal transition)."""


class RejectedError(ArefError):
    """A resilience guard refused the call: open breaker, full bulkhead, empty bucket."""

    def __init__(self, guard: str, name: str, detail: str = "") -> None:
        self.guard = guard
        self.name = name
        super().__init__(f"{guard} {name!r} rejected the call" + (f": {detail}" if detail else ""))


class StoreError(ArefError):
    """The durable store failed or holds data it cannot read."""
