"""The ports of a pillar service inside a Ray actor.

Events go to the subscribing actors by the one wiring table (``aref.control.wiring``), one
fire-and-forget call per subscriber and batch; a missing or failing subscriber is logged and
skipped, never waited for. Scaling is Serve's external-scaler REST API (``ServeScaler``), which also
measures what the node can place. Fault
boards reach every replica of a service with ``DeploymentHandle.broadcast``; a crash kills the
replica actor (``SERVE_REPLICA::...`` in namespace ``serve``) and Serve replaces it. Detection
hands each service's load to the adaptation actor; the load generator sends orders to the
gateway over HTTP; the prober probes the shop over HTTP (``actors.probe``) and hands its results
to the detection actor, fire-and-forget. Recovery reaches the other pillar actors through typed
clients (``RayPeers``), each replica's own ``health`` by broadcast, and the notifications service
over HTTP through the Serve proxy (``HttpNotifier``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import httpx
import ray

from actors.client import ActorClient, client
from actors.options import SERVE_NAMESPACE
from actors.probe import SHOP_URL, HttpProbe
from actors.serve_admin import ServeAdmin
from aref.adaptation.capacity import ClusterCapacity
from aref.clock import Clock, SystemClock
from aref.config import ArefSettings
from aref.control.pillars.absorption import AbsorptionService
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.detection import DetectionService
from aref.control.ports import (
    ClientSink,
    LoadObservation,
    LoadObserver,
    Notifier,
    OrderSender,
    Peers,
    Probe,
    ProbeSink,
    Publish,
    Replica,
    ReplicaFleet,
    ReplicaHealth,
    Scaler,
)
from aref.control.wiring import ABSORPTION, ADAPTATION, DETECTION, route
from aref.detection.probes import ProbeResult
from aref.errors import ArefError, NotFoundError
from aref.events import Event
from aref.store import Store
from aref.store.factory import open_store
from chaos.faults import FaultBoard
from chaos.loadgen_driver import DEFAULT_MAX_IN_FLIGHT
from chaos.loadgen_http import DEFAULT_TIMEOUT_S, ORDERS_URL
from chaos.loadgen_http import OrderSender as HttpOrderSender

log = logging.getLogger(__name__)
BROADCAST_TIMEOUT_S = 5.0
CPU_SAMPLE_S = 0.25


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


def _deployment_handle(service: str) -> Any:
    """Serve's handle to ``service``; Serve is imported here, on first use, as it adds ~50 MB and ~0.5 s
    to every actor process that imports it, and most actors never reach a replica."""
    from ray import serve

    return serve.get_deployment_handle(service, app_name=service)


class ServeFleet:
    """The ``ReplicaFleet`` port on Serve: broadcast fault boards, list and kill replicas."""

    async def push_faults(self, service: str, board: FaultBoard) -> int:
        try:
            handle = _deployment_handle(service)
            acks = await handle.broadcast("apply_faults", board.to_dict()).results_async(
                timeout_s=BROADCAST_TIMEOUT_S, return_exceptions=True
            )
        except Exception as error:  # the app may not be deployed; replicas will pull
            log.warning("broadcast of faults to %s failed: %s", service, error)
            return 0
        return sum(1 for a in acks if isinstance(a, dict))

    async def live(self, service: str) -> list[Replica]:
        """Who answers now; none while Serve's router knows no running replica (all killed, none back yet)."""
        results = await self._broadcast(service, "whoami")
        return [
            Replica(service, str(r["replica_id"]), str(r["actor_name"]))
            for r in results
            if isinstance(r, dict) and r.get("actor_name")
        ]

    async def kill(self, replica: Replica) -> bool:
        try:
            ray.kill(ray.get_actor(replica.actor_name, namespace=SERVE_NAMESPACE), no_restart=True)
        except ValueError:
            log.warning("replica %s vanished before the kill", replica.actor_name)
            return False
        return True

    async def health(self, service: str) -> list[ReplicaHealth]:
        results = await self._broadcast(service, "health")
        by_id = {str(r["replica_id"]): r for r in results if isinstance(r, dict) and r.get("replica_id")}
        return [
            ReplicaHealth(
                r,
                str(by_id[r.replica_id]["status"]),
                float(by_id[r.replica_id]["recent_error_rate"]),
                bool(by_id[r.replica_id].get("failing", False)),
            )
            for r in await self.live(service)
            if r.replica_id in by_id
        ]

    async def _broadcast(self, service: str, method: str) -> list[Any]:
        from ray.serve.exceptions import DeploymentUnavailableError

        handle = _deployment_handle(service)
        try:
            return list(
                await handle.broadcast(method).results_async(timeout_s=BROADCAST_TIMEOUT_S, return_exceptions=True)
            )
        except DeploymentUnavailableError:
            return []


class RayPeers:
    """The ``Peers`` port on Ray: typed clients of the pillar actors (each looked up once, lazily)."""

    def __init__(self) -> None:
        self._detection = client(DetectionService, DETECTION, retry_lookup_s=5.0)
        self._absorption = client(AbsorptionService, ABSORPTION, retry_lookup_s=5.0)
        self._adaptation = client(AdaptationService, ADAPTATION, retry_lookup_s=5.0)

    def detection(self) -> DetectionService:
        return self._detection

    def absorption(self) -> AbsorptionService:
        return self._absorption

    def adaptation(self) -> AdaptationService:
        return self._adaptation


class HttpNotifier:
    """The ``Notifier`` port on Ray: ``POST /notifications/send`` through the Serve proxy."""

    def __init__(self, base_url: str = SHOP_URL) -> None:
        self._url = f"{base_url}/notifications/send"
        self._http = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT_S)

    async def notify(self, channel: str, recipient: str, message: str, priority: str) -> dict[str, Any]:
        body = {"channel": channel, "recipient": recipient, "message": message, "priority": priority}
        reply = await self._http.post(self._url, json=body)
        try:
            answer = reply.json()
        except ValueError:
            answer = {"text": reply.text[:200]}
        return {"status": reply.status_code, "body": answer if isinstance(answer, dict) else {"answer": answer}}


class ServeScaler(ServeAdmin):
    """The ``Scaler`` port on Ray: Serve's REST API, plus what the node can place.

    Capacity is Ray's free CPU tokens (``ray.available_resources``), each deployment's
    ``num_cpus`` per replica (from Serve's application status), and the node's own measure of
    free memory (``MemAvailable``) and CPU busy share (``/proc/stat`` between two reads). Those
    last two are of the node this actor runs on: the demo is one node.
    """

    def __init__(self, dashboard_url: str) -> None:
        super().__init__(dashboard_url)
        self._cpu_times: tuple[float, float] | None = None

    async def capacity(self) -> ClusterCapacity:
        try:
            free = float(ray.available_resources().get("CPU", 0.0))  # type: ignore[no-untyped-call]
            reply = await self._http.get(f"{self._url}/api/serve/applications/")
            reply.raise_for_status()
            per_replica = cpu_per_replica(reply.json())
            if self._cpu_times is None:
                self._cpu_times = cpu_times()
                await asyncio.sleep(CPU_SAMPLE_S)
            before, self._cpu_times = self._cpu_times, cpu_times()
            busy = cpu_busy(before, self._cpu_times)
            memory = memory_available_mb()
        except (OSError, ValueError, httpx.HTTPError) as exc:
            raise ArefError(f"cannot measure the cluster's capacity: {exc}") from None
        return ClusterCapacity(time.time(), max(0.0, free), memory, busy, per_replica)


def cpu_per_replica(applications: dict[str, Any]) -> dict[str, float]:
    """Each app's same-named deployment's ``ray_actor_options.num_cpus`` (Serve's status JSON)."""
    found = {}
    for app, details in (applications.get("applications") or {}).items():
        deployment = (details.get("deployments") or {}).get(app) or {}
        options = (deployment.get("deployment_config") or {}).get("ray_actor_options") or {}
        if options.get("num_cpus") is not None:
            found[app] = float(options["num_cpus"])
    return found


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [float(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    total = sum(fields[:8])
    return total - idle, total


def cpu_busy(before: tuple[float, float], after: tuple[float, float]) -> float:
    elapsed = after[1] - before[1]
    return min(1.0, max(0.0, (after[0] - before[0]) / elapsed)) if elapsed > 0 else 0.0


def memory_available_mb() -> float:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) / 1024.0
    raise ValueError("no MemAvailable in /proc/meminfo")


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
        return ServeScaler(self._settings.ray_dashboard_url)

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

    def prober(self) -> Probe:
        return HttpProbe(self._clock, self._settings.detection.synthetic_probe_timeout)

    def probe_sink(self) -> ProbeSink:
        detection = client(DetectionService, DETECTION, retry_lookup_s=5.0)

        def sink(results: Sequence[ProbeResult]) -> None:
            try:
                detection.ingest_probes(list(results))
            except Exception as exc:  # not running, or restarting: the next round brings fresh results
                log.warning("probe results not delivered to detection: %s", exc)

        return sink

    def client_sink(self) -> ClientSink:
        detection = client(DetectionService, DETECTION, retry_lookup_s=5.0)

        def sink(sent_at: Sequence[float]) -> None:
            try:
                detection.ingest_client_failures(list(sent_at))
            except Exception as exc:  # not running, or restarting: an onset is then dated by its sample
                log.warning("client failures not delivered to detection: %s", exc)

        return sink

    def peers(self) -> Peers:
        return RayPeers()

    def notifier(self) -> Notifier:
        return HttpNotifier()
