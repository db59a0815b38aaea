"""Envelopes: the one shape a shop operation answers with, over HTTP and through handles.

An ``Envelope`` is an HTTP status, a JSON body and optional response headers (``Retry-After``).
Deployment methods called through a DeploymentHandle return ``Envelope.to_dict()``, so no
exception has to cross a process boundary, and the HTTP routes send the same envelope as a
response. ``error_envelope`` is the one mapping of the AREF error hierarchy to status codes: bad
input 422 (naming the field), unknown id 404, illegal state 409, guard refusal 503 (429 for a
rate limiter), store failure 503; anything unexpected is a 500 that names only the exception
type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aref.errors import (
    ArefError,
    BusyError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RejectedError,
    StoreError,
)


@dataclass(frozen=True)
class Envelope:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    shed: bool = False
    """A refusal AREF's own control asked for (a tier or a flag switched the work off), not a failure
    of the service: counted as shed, never as a request or an error the detectors judge (else the
    refusals would keep alive the very alert that raised the tier)."""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400

    @property
    def server_error(self) -> bool:
        return self.status >= 500

    @property
    def error(self) -> str | None:
        """The error message of a failed envelope."""
        if self.ok:
            return None
        if isinstance(self.body, Mapping) and "error" in self.body:
            return str(self.body["error"])
        return f"HTTP {self.status}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "body": self.body}
        if self.headers:
            data["headers"] = dict(self.headers)
        if self.shed:
            data["shed"] = True
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Envelope:
        """Rebuild from ``to_dict()``; anything else is a malformed answer (HTTP 502)."""
        if isinstance(data, Mapping) and isinstance(data.get("status"), int) and "body" in data:
            headers = data.get("headers")
            fields = {str(k): str(v) for k, v in headers.items()} if isinstance(headers, Mapping) else {}
            return cls(int(data["status"]), data["body"], fields, shed=data.get("shed") is True)
        return cls(502, {"error": f"malformed answer from downstream: {type(data).__name__}"})


class InjectedFaultError(ArefError):
    """A chaos fault decided this request's fate (503 for an error, 504 for a timeout)."""

    def __init__(self, status: int, kind: str, fault_id: str | None, service: str, delay_ms: float = 0.0) -> None:
        self.status = status
        self.kind = kind
        self.fault_id = fault_id
        self.service = service
        self.delay_ms = delay_ms
        super().__init__(f"injected {kind} fault in {service}")

    def body(self) -> dict[str, Any]:
        return {
            "error": str(self),
            "fault": {"id": self.fault_id, "kind": self.kind, "service": self.service, "delay_ms": self.delay_ms},
        }


def error_envelope(exc: BaseException) -> Envelope:
    """The envelope for a failed operation."""
    if isinstance(exc, InjectedFaultError):
        return Envelope(exc.status, exc.body())
    if isinstance(exc, InvalidInputError):
        return Envelope(422, {"error": str(exc), "field": exc.field})
    if isinstance(exc, NotFoundError):
        return Envelope(404, {"error": str(exc), "kind": exc.kind, "key": exc.key})
    if isinstance(exc, ConflictError):
        return Envelope(409, {"error": str(exc)})
    if isinstance(exc, RejectedError):
        status = 429 if exc.guard == "rate_limiter" else 503
        return Envelope(status, {"error": str(exc), "guard": exc.guard, "name": exc.name})
    if isinstance(exc, BusyError):
        return Envelope(503, {"error": str(exc), "busy": True}, headers={"Retry-After": str(exc.retry_after_s)})
    if isinstance(exc, StoreError):
        return Envelope(503, {"error": f"store unavailable: {exc}"})
    return Envelope(500, {"error": f"internal error ({type(exc).__name__})"})


def is_injected(envelope: Envelope) -> bool:
    """A fault-hook answer: the operation never ran, so repeating it is safe."""
    body = envelope.body
    return envelope.server_error and isinstance(body, Mapping) and isinstance(body.get("fault"), Mapping)
