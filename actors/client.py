"""Typed clients over actor handles: ``client(DetectionService, "detection").ack(alert_id)``.

A client has the pillar service's type, so mypy checks every method name and argument. A call
is sent at once (``.remote()``) and answers an awaitable of the service's result: AREF errors
the service raised come back raised again here (the wrapper answers ``Failed``, ``actors.shell``).
A call that is not awaited is fire-and-forget (how publishers and replicas push). The handle is
looked up lazily by name, again after a failure (Ray may have restarted the actor), and not
more often than every ``retry_lookup_s`` while the actor is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import ray

from actors.options import NAMESPACE
from aref.errors import NotFoundError, error_from_dict

T = TypeVar("T")


@dataclass(frozen=True)
class Failed:
    """What the actor wrapper answers instead of a result when the service raised an AREF error."""

    error: dict[str, str | None]


def unwrap(reply: Any) -> Any:
    """The service's result, or the AREF error it raised, raised again here."""
    if isinstance(reply, Failed):
        raise error_from_dict(reply.error)
    return reply


class Reply:
    """An actor call in flight; awaiting it gives the service's result or raises its AREF error."""

    def __init__(self, ref: Any, on_failure: Callable[[], None]) -> None:
        self._ref = ref
        self._on_failure = on_failure

    def __await__(self) -> Generator[Any, None, Any]:
        try:
            reply = yield from self._ref.__await__()
        except Exception:  # the actor died or was restarted: look it up again next time
            self._on_failure()
            raise
        return unwrap(reply)


class ActorClient:
    def __init__(self, name: str, namespace: str = NAMESPACE, retry_lookup_s: float = 0.0) -> None:
        self.name = name
        self._namespace = namespace
        self._retry = retry_lookup_s
        self._handle: Any = None
        self._missing_since: float | None = None

    def handle(self) -> Any:
        if self._handle is not None:
            return self._handle
        if self._missing_since is not None and time.monotonic() - self._missing_since < self._retry:
            raise NotFoundError("actor", self.name)
        try:
            self._handle = ray.get_actor(self.name, namespace=self._namespace)
        except ValueError:
            self._missing_since = time.monotonic()
            raise NotFoundError("actor", self.name) from None
        self._missing_since = None
        return self._handle

    def forget(self) -> None:
        """Look the handle up again on the next call."""
        self._handle = None

    def __getattr__(self, method: str) -> Callable[..., Reply]:
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args: Any, **kwargs: Any) -> Reply:
            try:
                return Reply(getattr(self.handle(), method).remote(*args, **kwargs), self.forget)
            except NotFoundError:
                raise
            except Exception:
                self.forget()
                raise

        return call


def client(service: type[T], name: str, namespace: str = NAMESPACE, retry_lookup_s: float = 0.0) -> T:
    """A client of the actor ``name``, typed as the pillar service it hosts."""
    return cast(T, ActorClient(name, namespace, retry_lookup_s))
