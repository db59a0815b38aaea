"""Shared test doubles for the shop: counting ids, a scripted fault source, a fake control link."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any


def counting_ids() -> Callable[[str], str]:
    """``ORD-1``, ``PAY-2``, ... : one counter for every prefix, so ids are predictable."""
    numbers = itertools.count(1)
    return lambda prefix: f"{prefix}-{next(numbers)}"


def scripted(outcomes: Iterable[bool]) -> Callable[..., bool]:
    """A fault source answering the given outcomes in order (True = this attempt fails), then False."""
    remaining = iter(outcomes)
    return lambda *_: next(remaining, False)


class FakeLink:
    """The pillar actors as the replica sees them; ``up`` False plays missing actors."""

    def __init__(self) -> None:
        self.up = True
        self.broken = False
        self.telemetry: list[list[dict[str, Any]]] = []
        self.reports: list[list[dict[str, Any]]] = []
        self.board_answer: dict[str, Any] | None = None
        self.decisions_answer: dict[str, Any] | None = None
        self.control_answer: dict[str, Any] | None = None
        self.asked_since: list[int] = []
        self.applied: list[dict[str, Any]] = []

    async def push_telemetry(self, records: list[dict[str, Any]]) -> bool:
        self._check()
        if self.up:
            self.telemetry.append(records)
        return self.up

    async def push_reports(self, reports: list[dict[str, Any]]) -> bool:
        self._check()
        if self.up:
            self.reports.append(reports)
        return self.up

    async def board(self, service: str) -> dict[str, Any] | None:
        self._check()
        return self.board_answer if self.up else None

    async def decisions_since(self, version: int) -> dict[str, Any] | None:
        self._check()
        self.asked_since.append(version)
        return self.decisions_answer if self.up else None

    async def control_for(self, service: str) -> dict[str, Any] | None:
        self._check()
        return self.control_answer if self.up else None

    async def push_applied(self, record: dict[str, Any]) -> bool:
        self._check()
        if self.up:
            self.applied.append(record)
        return self.up

    def _check(self) -> None:
        if self.broken:
            raise RuntimeError("actor died")


def serve_free(
    deployment: Any, service: str, args: dict[str, Any] | None = None, clock: Any = None, store: Any = None
) -> Any:
    """A shop deployment's own class built without Serve: fake link and clock, in-memory store
    (``store``: one shared with another replica of the service).

    ``deployment`` is the ``@serve.deployment`` object; its class is the one ``@serve.ingress`` wrapped."""
    from aref.config import load_settings
    from aref.store import MemoryStore
    from aref.testing import FakeClock
    from services.base.link import ReplicaIdentity

    wrapped = deployment.func_or_class
    cls = next(c for c in wrapped.__mro__[1:] if c.__name__ == wrapped.__name__)
    identity = ReplicaIdentity(service, f"{service}#{service}#r1", f"SERVE_REPLICA::{service}#{service}#r1", 4242)
    return cls(
        args,
        settings=load_settings(),
        link=FakeLink(),
        clock=clock or FakeClock(1_000.0),
        store=store if store is not None else MemoryStore(),
        identity=identity,
        autostart=False,
    )


def at_tier(replica: Any, tier: str) -> None:
    """Put a ``serve_free`` replica's cached tier at ``tier``, as a pulled decisions answer would."""
    service = replica.runtime.service
    replica.runtime.control.apply_tier(service, {"tiers": {service: tier}})


def http(call: Awaitable[Any]) -> tuple[int, dict[str, Any], str | None]:
    """Await a route method: ``(status, JSON body, Retry-After)``."""
    response = asyncio.run(call)
    return response.status_code, json.loads(bytes(response.body)), response.headers.get("retry-after")


def handle(call: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """Await a handle method: its ``Envelope.to_dict()``."""
    return asyncio.run(call)
