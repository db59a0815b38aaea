"""The pillar actors as a replica's ``ControlLink``, and the replica's identity under Serve.

Calls go through typed clients (``actors.client``): a missing actor is looked up again only
after ``retry_lookup_s``, and a failing call drops the cached handle (Ray may have restarted
the actor). Pushes are fire-and-forget; pulls are awaited with a timeout. Nothing here raises
for a missing or failing actor: pushes answer False, pulls None.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

from ray import serve

from actors.client import client
from aref.control.pillars.absorption import AbsorptionService
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.chaos import ChaosService
from aref.control.pillars.detection import DetectionService
from aref.control.wiring import ABSORPTION, ADAPTATION, CHAOS, DETECTION
from services.base.link import ReplicaIdentity

log = logging.getLogger(__name__)
ACTOR_PREFIX = "SERVE_REPLICA::"
T = TypeVar("T")


def replica_identity(service: str) -> ReplicaIdentity:
    """This replica's id and actor name; a local stand-in outside a replica.

    The id is Serve's unique replica id (what ``serve status`` and the REST API call
    ``replica_id``). In Ray 2.60 ``ReplicaID.to_full_id_str()`` already is the actor name:
    ``SERVE_REPLICA::<app>#<deployment>#<id>`` (the replica actors live in namespace ``serve``).
    """
    try:
        actor_name = serve.get_replica_context().replica_id.to_full_id_str()
    except Exception:  # no replica context: local testing mode or a plain process
        return ReplicaIdentity(service, f"local-{uuid.uuid4().hex[:8]}", "", os.getpid())
    if not actor_name.startswith(ACTOR_PREFIX):
        actor_name = ACTOR_PREFIX + actor_name
    return ReplicaIdentity(service, actor_name.rsplit("#", 1)[-1], actor_name, os.getpid())


class RayControlLink:
    def __init__(self, call_timeout_s: float = 2.0, retry_lookup_s: float = 5.0) -> None:
        self._timeout = call_timeout_s
        self._detection = client(DetectionService, DETECTION, retry_lookup_s=retry_lookup_s)
        self._absorption = client(AbsorptionService, ABSORPTION, retry_lookup_s=retry_lookup_s)
        self._adaptation = client(AdaptationService, ADAPTATION, retry_lookup_s=retry_lookup_s)
        self._chaos = client(ChaosService, CHAOS, retry_lookup_s=retry_lookup_s)

    async def push_telemetry(self, records: list[dict[str, Any]]) -> bool:
        return _sent("detection.ingest_telemetry", lambda: self._detection.ingest_telemetry(records))

    async def push_reports(self, reports: list[dict[str, Any]]) -> bool:
        return _sent("absorption.apply_reports", lambda: self._absorption.apply_reports(reports))

    async def push_applied(self, record: dict[str, Any]) -> bool:
        return _sent("absorption.report_applied", lambda: self._absorption.report_applied(record))

    async def board(self, service: str) -> dict[str, Any] | None:
        return await self._ask("chaos.board", lambda: self._chaos.board(service))

    async def decisions_since(self, version: int) -> dict[str, Any] | None:
        return await self._ask("absorption.decisions_since", lambda: self._absorption.decisions_since(version))

    async def control_for(self, service: str) -> dict[str, Any] | None:
        return await self._ask("adaptation.control_for", lambda: self._adaptation.control_for(service))

    async def _ask(self, what: str, call: Any) -> Any | None:
        try:
            reply: Awaitable[Any] = call()
            return await asyncio.wait_for(_awaited(reply), self._timeout)
        except Exception as exc:  # a missing actor, a timeout, a dead handle
            log.debug("%s failed: %s: %s", what, type(exc).__name__, exc)
            return None


def _sent(what: str, call: Any) -> bool:
    try:
        call()
    except Exception as exc:
        log.debug("%s could not be sent: %s: %s", what, type(exc).__name__, exc)
        return False
    return True


async def _awaited(reply: Awaitable[T]) -> T:
    return await reply
