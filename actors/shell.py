"""The one factory of AREF's actors: a pillar service wrapped with ``ray.remote``.

``actor_class(name)`` builds, for the service registered under ``name``
(``aref.control.registry``), a class with one async method per public method of the service.
Each call goes through ``aref.control.host.invoke`` (the call, then ``flush`` and ``settle``),
and an AREF error is answered as ``Failed`` so it crosses the process boundary intact. The
wrapper also runs the service's ``tick`` every ``settings.tick_seconds`` and answers
``host_info`` (pid, node, restarts, ticks) and ``ping``. Ray options come from ``actors.options``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from functools import cache
from typing import Any

import ray

from actors.client import Failed
from actors.environment import RayEnvironment
from aref.clock import SystemClock
from aref.config import ArefSettings
from aref.control.host import invoke, public_methods
from aref.control.pillar import PillarService
from aref.control.registry import SERVICE_CLASSES, build_service
from aref.errors import ArefError, error_to_dict
from aref.logs import configure_logging

log = logging.getLogger(__name__)


class ActorShell:
    """What every AREF actor is besides its service's methods."""

    NAME = ""

    def __init__(self, settings: ArefSettings) -> None:
        configure_logging(settings.log_level)
        self.settings = settings
        self.clock = SystemClock()
        self.started_at = self.clock.now()
        with warnings.catch_warnings():  # Ray 2.60 warns from inside its own property
            warnings.simplefilter("ignore", DeprecationWarning)
            self.restarted = bool(ray.get_runtime_context().was_current_actor_reconstructed)
        self.service: PillarService = build_service(self.NAME, settings, RayEnvironment(self.NAME, settings))
        self.service.flush()
        self.tick_errors = 0
        self._ticker = asyncio.get_event_loop().create_task(self._tick_loop())

    async def _call(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            return await invoke(self.service, method, args, kwargs)
        except ArefError as error:
            return Failed(error_to_dict(error))

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.tick_seconds)
            try:
                self.service.tick()
                await self.service.settle()
            except Exception:
                self.tick_errors += 1
                log.exception("%s: tick failed", self.NAME)

    async def host_info(self) -> dict[str, Any]:
        return {
            "actor": self.NAME,
            "pid": os.getpid(),
            "node_id": ray.get_runtime_context().get_node_id(),
            "restarted": self.restarted,
            "uptime_s": round(self.clock.now() - self.started_at, 3),
            "ticks": self.service.ticks,
            "tick_errors": self.tick_errors,
        }

    async def ping(self) -> str:
        return self.NAME


def _forward(method: str) -> Any:
    async def forward(self: ActorShell, *args: Any, **kwargs: Any) -> Any:
        return await self._call(method, args, kwargs)

    forward.__name__ = method
    return forward


@cache
def actor_class(name: str) -> type[ActorShell]:
    """The actor class of the pillar service registered under ``name`` (not yet ``ray.remote``)."""
    service = SERVICE_CLASSES[name]
    methods = {method: _forward(method) for method in public_methods(service)}
    return type(f"{service.__name__}Actor", (ActorShell,), {"NAME": name, "__module__": __name__, **methods})
