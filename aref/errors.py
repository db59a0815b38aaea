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


class BusyError(ArefError):
    """The same request is still being served elsewhere (a claim another caller holds): retry shortly."""

    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class StoreError(ArefError):
    """The durable store failed or holds data it cannot read."""


def error_to_dict(error: ArefError) -> dict[str, str | None]:
    """A wire form of an AREF error, so it can cross a process boundary intact."""
    return {
        "type": type(error).__name__,
        "message": str(error),
        "field": getattr(error, "field", None),
        "reason": getattr(error, "reason", None),
        "source": getattr(error, "source", None),
        "kind": getattr(error, "kind", None),
        "key": getattr(error, "key", None),
        "guard": getattr(error, "guard", None),
        "name": getattr(error, "name", None),
    }


def error_from_dict(data: dict[str, str | None]) -> ArefError:
    """Rebuild the error ``error_to_dict`` described; unknown types become a plain ``ArefError``."""
    kind, message = data.get("type"), data.get("message") or ""
    if kind == "InvalidInputError":
        return InvalidInputError(data.get("field") or "value", data.get("reason") or message, source=data.get("source"))
    if kind == "NotFoundError":
        return NotFoundError(data.get("kind") or "item", data.get("key") or "")
    if kind == "RejectedError":
        return RejectedError(data.get("guard") or "guard", data.get("name") or "")
    if kind == "ConflictError":
        return ConflictError(message)
    if kind == "StoreError":
        return StoreError(message)
    return ArefError(message)
