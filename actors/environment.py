"""The ports of a pillar service inside a Ray actor.

Events go to the subscribing actors by the one wiring table (``aref.control.wiring``), one
fire-and-forget call per subscriber and batch; a missing or failing subscriber is logged and
skipped, never waited for. Scaling is Serve's external-scaler REST API (``ServeAdmin``). Fault
boards reach every replica of a service with ``DeploymentHandle.broadcast``; a crash kills the
replica actor (``SERVE_REPLICA::...`` in namespace ``serve``) and Serve replaces it. Detection
hands each service's load to the adaptation actor; the load generator sends orders to the
gateway over HTTP.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from functools import cached_property

import httpx
import ray
from ray import serve

from actors.client import ActorClient, client
from actors.options import SERVE_NAMESPACE
from actors.serve_admin import ServeAdmin
from aref.clock import Clock, SystemClock
from aref.config import ArefSettings
from aref.control.pillars.adaptation import AdaptationService
from aref.control.ports import LoadObservation, LoadObserver, OrderSender, Publish, Replica, ReplicaFleet, Scaler
from aref.control.wiring import ADAPTATION, route
from aref.errors import NotFoundError
from aref.events import Event
from aref.store import Store
from aref.store.factory import open_store
from chaos.faults import FaultBoard
from chaos.loadgen_driver import DEFAULT_MAX_IN_FLIGHT
from chaos.loadgen_http import DEFAULT_TIMEOUT_S, ORDERS_URL
from chaos.loadgen_http import OrderSender as HttpOrderSender

log = logging.getLogger(__name__)
BROADCAST_TIMEOUT_S = 5.0


class RayPublisher:
    """Fan-out of event batches to the subscribing actors."""

    def __init__(self) -> None:
        self._clients: dict[str, ActorClient] = {}
        self.delivered = 0
        self.failed = 0

    def __call__(self, publisher: str, events: Sequence[Event]) -> None:
        for receiver, batch in route(events, publisher).items():
            subscriber = self._clients.setdefault(receiver, ActorClient(receiver, retry_lookup_s=5.0))
            try:
                subscriber.deliver(batch)
                self.delivered += len(batch)
            except NotFoundError:
                log.warning("%s: subscriber %s is not running", publisher, receiver)
                self.failed += len(batch)
            except Exception:
                log.warning("%s: delivery to %s failed", publisher, receiver, exc_info=True)
                self.failed += len(batch)


class ServeFleet:
    """The ``ReplicaFleet`` port on Serve: broadcast fault boards, list and kill replicas."""

    async def push_faults(self, service: str, board: FaultBoard) -> int:
        try:
            handle = serve.get_deployment_handle(service, app_name=service)
            acks = await handle.broadcast("apply_faults", board.to_dict()).results_async(
                timeout_s=BROADCAST_TIMEOUT_S, return_exceptions=True
            )
        except Exception as error:  # the app may not be deployed; replicas will pull
            log.warning("broadcast of faults to %s failed: %s", service, error)
            return 0
        return sum(1 for a in acks if isinstance(a, dict))

    async def live(self, service: str) -> list[Replica]:
        handle = serve.get_deployment_handle(service, app_name=service)
        results = await handle.broadcast("whoami").results_async(timeout_s=BROADCAST_TIMEOUT_S, return_exceptions=True)
        return [
            Replica(service, str(r["replica_id"]), str(r["actor_name"]))
            for r in results
            if isinstance(r, dict) and r.get("actor_name")
        ]

    async def kill(self, replica: Replica) -> bool:
        try:
            ray.kill(ray.get_actor(replica.actor_name, namespace=SERVE_NAMESPACE), no_restart=True)
        except ValueError:
            log.warning("replica %s vanished before the crash fault", replica.actor_name)
            return False
        return True


class RayEnvironment:
    """Each port built on first use, once per actor."""

    def __init__(self, name: str, settings: ArefSettings) -> None:
        self._name = name
        self._settings = settings
        self._clock = SystemClock()

    @property
    def clock(self) -> Clock:
        return self._clock

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    @cached_property
    def _store(self) -> Store:
        return open_store(self._settings.store, self._settings.data_dir)

    def store(self) -> Store:
        return self._store

    @cached_property
    def _publisher(self) -> RayPublisher:
        return RayPublisher()

    def publish(self) -> Publish:
        return self._publisher

    def scaler(self) -> Scaler:
        return ServeAdmin(self._settings.ray_dashboard_url)

    def fleet(self) -> ReplicaFleet:
        return ServeFleet()

    def load_observer(self) -> LoadObserver:
        adaptation = client(AdaptationService, ADAPTATION, retry_lookup_s=5.0)

        def observe(observation: LoadObservation) -> None:
            try:
                adaptation.observe_load(observation)
            except Exception as exc:  # not running, or restarting: the next window brings the load again
                log.debug("load of %s not forwarded: %s", observation.service, exc)

        return observe

    def order_sender(self) -> tuple[OrderSender, str]:
        limits = httpx.Limits(max_connections=DEFAULT_MAX_IN_FLIGHT, max_keepalive_connections=32)
        http = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT_S, limits=limits)
        return HttpOrderSender(http, ORDERS_URL), ORDERS_URL
