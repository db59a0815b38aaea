"""How a host calls into a pillar service: the one discipline both transports follow.

A call runs the service's method, publishes what it emitted (``flush``) and carries out the work
it queued (``settle``) before it answers, so the caller sees every effect of its call. The Ray
actor wrapper (``actors.shell``) and the in-process client below both call through ``invoke``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aref.control.pillar import PillarService

T = TypeVar("T")
HOST_ONLY = frozenset({"tick", "on_tick", "flush", "on_events", "later", "settle"})


def public_methods(cls: type[PillarService]) -> dict[str, bool]:
    """The service's callable surface: public method name -> whether it is async."""
    return {
        name: inspect.iscoroutinefunction(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and name not in HOST_ONLY
    }


async def invoke(service: PillarService, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call ``method`` of ``service``, then publish its events and settle its queued work."""
    try:
        result = getattr(service, method)(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result
    finally:
        service.flush()
        await service.settle()


class InProcessClient:
    """A pillar service called in-process with the host's discipline (typed as the service)."""

    def __init__(self, service: PillarService) -> None:
        self._service = service
        self._surface = public_methods(type(service))

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in self._surface:
            return cast(Callable[..., Any], getattr(self._service, name))
        if self._surface[name]:

            async def call(*args: Any, **kwargs: Any) -> Any:
                return await invoke(self._service, name, args, kwargs)

            return call

        def call_now(*args: Any, **kwargs: Any) -> Any:
            try:
                return getattr(self._service, name)(*args, **kwargs)
            finally:
                self._service.flush()

        return call_now


def in_process(service: T) -> T:
    """``service`` behind an ``InProcessClient``, typed as itself."""
    return cast(T, InProcessClient(cast(PillarService, service)))
