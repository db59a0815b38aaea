"""The pillar actors as a replica's ``ControlPlane``, and the replica's identity under Serve.

Actors are looked up lazily by name in namespace ``aref``; a missing actor is looked up again
only after ``retry_lookup_s``, and a failing call drops the cached handle (the actor may have
been restarted). Pushes are fire-and-forget; pulls are awaited with a timeout. Nothing here
raises for a missing or failing actor: pushes answer False, pulls None.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from typing import Any

import ray
from ray import serve

from services.base.runtime import ReplicaIdentity

log = logging.getLogger(__name__)
NAMESPACE = "aref"
ACTOR_PREFIX = "SERVE_REPLICA::"


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


class RayControlPlane:
    def __init__(self, namespace: str = NAMESPACE, call_timeout_s: float = 2.0, retry_lookup_s: float = 5.0) -> None:
        self._namespace = namespace
        self._timeout = call_timeout_s
        self._retry = retry_lookup_s
        self._handles: dict[str, Any] = {}
        self._missing_since: dict[str, float] = {}

    async def push_telemetry(self, records: list[dict[str, Any]]) -> bool:
        return self._send("detection", "ingest_telemetry", records)

    async def push_reports(self, reports: list[dict[str, Any]]) -> bool:
        return self._send("absorption", "apply_reports", reports)

    async def board(self, service: str) -> dict[str, Any] | None:
        return await self._ask("chaos", "board", service)

    async def decisions_since(self, version: int) -> dict[str, Any] | None:
        return await self._ask("absorption", "decisions_since", version)

    async def control_for(self, service: str) -> dict[str, Any] | None:
        return await self._ask("adaptation", "control_for", service)

    def _actor(self, name: str) -> Any | None:
        handle = self._handles.get(name)
        if handle is not None:
            return handle
        missing = self._missing_since.get(name)
        if missing is not None and time.monotonic() - missing < self._retry:
            return None
        try:
            handle = ray.get_actor(name, namespace=self._namespace)
        except Exception as exc:  # ValueError when the actor does not exist (yet)
            if missing is None:
                log.info(
                    "actor %r not found in namespace %r (%s); working from cached state", name, self._namespace, exc
                )
            self._missing_since[name] = time.monotonic()
            return None
        self._missing_since.pop(name, None)
        self._handles[name] = handle
        return handle

    def _send(self, actor: str, method: str, payload: Any) -> bool:
        handle = self._actor(actor)
        if handle is None:
            return False
        try:
            getattr(handle, method).remote(payload)
        except Exception as exc:
            log.warning("%s.%s could not be sent: %s", actor, method, exc)
            self._handles.pop(actor, None)
            return False
        return True

    async def _ask(self, actor: str, method: str, *args: Any) -> Any | None:
        handle = self._actor(actor)
        if handle is None:
            return None
        try:
            return await asyncio.wait_for(getattr(handle, method).remote(*args), self._timeout)
        except Exception as exc:
            log.warning("%s.%s failed: %s: %s", actor, method, type(exc).__name__, exc)
            self._handles.pop(actor, None)
            return None
