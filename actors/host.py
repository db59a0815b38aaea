"""The common adapter every pillar actor is built on.

An ``EngineHost`` owns one engine, buffers the events it emits, publishes them in batches after
each call and each tick, and runs the engine's ``tick()`` on a timer. Calls that can fail return
an envelope (``{"ok": value}`` or ``{"error": error_to_dict(...)}``) so AREF errors cross the
process boundary intact; ``actors.client.unwrap`` turns the envelope back into a value or raise.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import ray

from actors.publisher import Publisher
from aref.clock import Clock, SystemClock
from aref.config import ArefSettings
from aref.errors import ArefError, error_to_dict
from aref.events import Event
from aref.store import Store
from aref.store.factory import open_store

log = logging.getLogger(__name__)
T = TypeVar("T")


class BufferSink:
    """Collects events between flushes."""

    def __init__(self) -> None:
        self._events: list[Event] = []

    def emit(self, event: Event) -> None:
        self._events.append(event)

    def drain(self) -> list[Event]:
        drained, self._events = self._events, []
        return drained


class EngineHost:
    NAME: ClassVar[str]

    def __init__(self, settings: ArefSettings) -> None:
        self.settings = settings
        self.clock: Clock = SystemClock()
        self.sink = BufferSink()
        self.store: Store = open_store(settings.store, settings.data_dir)
        self.publisher = Publisher(self.NAME)
        self.started_at = self.clock.now()
        with warnings.catch_warnings():  # Ray 2.60 warns from inside its own property
            warnings.simplefilter("ignore", DeprecationWarning)
            self.restarted = bool(ray.get_runtime_context().was_current_actor_reconstructed)
        self.ticks = 0
        self.tick_errors = 0
        self.engine: Any = self.build_engine()
        self.flush()
        self._loop = asyncio.get_event_loop().create_task(self._tick_loop())

    def build_engine(self) -> Any:
        raise NotImplementedError

    def on_tick(self) -> None:
        self.engine.tick()

    def flush(self) -> None:
        self.publisher.publish(self.sink.drain())

    def envelope(self, call: Callable[[], T]) -> dict[str, Any]:
        """Run ``call``; publish what it emitted; wrap its value or its AREF error."""
        try:
            return {"ok": call()}
        except ArefError as error:
            return {"error": error_to_dict(error)}
        finally:
            self.flush()

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.tick_seconds)
            self.ticks += 1
            try:
                self.on_tick()
            except Exception:
                self.tick_errors += 1
                log.exception("%s: tick failed", self.NAME)
            self.flush()

    async def handle_events(self, batch: list[dict[str, Any]]) -> int:
        events = [Event.from_dict(d) for d in batch]
        try:
            self.engine.handle(events)
        except ArefError:
            log.warning("%s: rejected part of a batch", self.NAME, exc_info=True)
        self.flush()
        return len(events)

    async def get_status(self) -> dict[str, Any]:
        return {
            "actor": self.NAME,
            "pid": os.getpid(),
            "node_id": ray.get_runtime_context().get_node_id(),
            "restarted": self.restarted,
            "uptime_s": round(self.clock.now() - self.started_at, 3),
            "ticks": self.ticks,
            "tick_errors": self.tick_errors,
            "published": self.publisher.delivered,
            "status": self.engine.status(),
        }

    async def ping(self) -> str:
        return self.NAME
