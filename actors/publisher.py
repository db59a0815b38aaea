"""Fan-out of event batches to subscriber actors: fire-and-forget, one call per subscriber.

A subscriber that is missing or failing is logged and skipped; the publisher never waits for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import ray

from actors.options import NAMESPACE
from actors.wiring import route
from aref.events import Event

log = logging.getLogger(__name__)


class Publisher:
    def __init__(self, name: str) -> None:
        self._name = name
        self._handles: dict[str, Any] = {}
        self.delivered = 0
        self.failed = 0

    def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        for actor, batch in route(events, self._name).items():
            handle = self._handle(actor)
            if handle is None:
                self.failed += len(batch)
                continue
            try:
                handle.handle_events.remote([e.to_dict() for e in batch])
                self.delivered += len(batch)
            except Exception:  # a dead handle: look it up again next time
                log.warning("%s: delivery to %s failed", self._name, actor, exc_info=True)
                self._handles.pop(actor, None)
                self.failed += len(batch)

    def _handle(self, actor: str) -> Any:
        if actor not in self._handles:
            try:
                self._handles[actor] = ray.get_actor(actor, namespace=NAMESPACE)
            except ValueError:
                log.warning("%s: subscriber %s is not running", self._name, actor)
                return None
        return self._handles[actor]
