"""The deployment base class every shop service extends, and the FastAPI glue they share.

``ServiceReplica`` builds the settings once, opens the shop store (``AREF_DATA_DIR/shop.sqlite3``),
creates the ``ReplicaRuntime`` and starts its tick loop on the replica's event loop. It exposes
the methods callable through a DeploymentHandle by every service: ``apply_faults``, ``whoami``,
``health`` and ``synthetic`` (another handle method, run as a synthetic request). ``create_api``
builds a service's FastAPI app: ``ops_router`` (/health, /healthz, /readyz, /info, /metrics of
the replica that answers), ``SyntheticTag`` (the prober's requests are no customer traffic),
``install_error_handlers`` (a bad body is a 422 naming the field, a domain error keeps its
status, Starlette's own errors keep theirs in the same ``{"error", "field"}`` shape) and the
bare-prefix fix.
"""

from __future__ import annotations

import logging
import os
import platform
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

import aref
from aref.clock import Clock, SystemClock
from aref.config import ArefSettings, invalid_input_from, load_settings
from aref.errors import ArefError, InvalidInputError
from aref.store import MemoryStore, SqliteStore, Store
from aref.topology import DEMO_TOPOLOGY
from services.base.admin import AdminGuard
from services.base.envelope import Envelope, error_envelope
from services.base.guards import GuardPolicy
from services.base.link import ControlLink, ReplicaIdentity
from services.base.metrics import CONTENT_TYPE
from services.base.runtime import ReplicaRuntime
from services.base.synthetic import synthetic_scope, tags_synthetic

log = logging.getLogger(__name__)
SHOP_STORE_FILE = "shop.sqlite3"
SYNTHETIC_REFUSED = frozenset({"synthetic", "apply_faults"})
M = TypeVar("M", bound=BaseModel)


def open_shop_store(settings: ArefSettings) -> Store:
    """The store every replica shares: SQLite under ``data_dir`` (``memory`` only for local experiments)."""
    if settings.store == "memory":
        return MemoryStore()
    return SqliteStore(Path(settings.data_dir) / SHOP_STORE_FILE)


def parse(model: type[M], payload: Any) -> M:
    """Validate a handle caller's payload like FastAPI validates a body; errors name the field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise invalid_input_from(exc) from None


def respond(envelope: Envelope) -> JSONResponse:
    return JSONResponse(envelope.body, status_code=envelope.status, headers=dict(envelope.headers) or None)


class ServiceReplica:
    """State and handle-callable methods shared by the five deployments."""

    def __init__(
        self,
        service: str,
        *,
        settings: ArefSettings | None = None,
        link: ControlLink | None = None,
        clock: Clock | None = None,
        store: Store | None = None,
        guard_policy: GuardPolicy | None = None,
        edge_policies: Mapping[str, GuardPolicy] | None = None,
        identity: ReplicaIdentity | None = None,
        downstream: Sequence[str] = (),
        autostart: bool = True,
    ) -> None:
        if link is None or identity is None:
            # the Ray glue, needed only inside a real replica (tests pass fakes)
            from services.base.ray_link import RayControlLink, replica_identity

            link = link or RayControlLink()
            identity = identity or replica_identity(service)
        self.settings = settings or load_settings()
        self.clock = clock or SystemClock()
        self.store = store or open_shop_store(self.settings)
        self.runtime = ReplicaRuntime(
            identity,
            self.settings,
            link,
            self.clock,
            downstream=downstream,
            guard_policy=guard_policy,
            edge_policies=edge_policies,
            autostart=autostart,
        )
        self.ready = True
        self.runtime.ensure_started()

    async def apply_faults(self, board: dict[str, Any]) -> dict[str, Any]:
        """Take a pushed fault board: ``{"replica_id", "version", "applied"}``."""
        self.runtime.ensure_started()
        return self.runtime.apply_faults(board)

    async def whoami(self) -> dict[str, Any]:
        """``{"replica_id", "actor_name", "pid", "fault_version", "service"}``."""
        self.runtime.ensure_started()
        return self.runtime.whoami()

    async def health(self) -> dict[str, Any]:
        self.runtime.ensure_started()
        return self.runtime.health()

    async def synthetic(self, method: str, *args: Any) -> Any:
        """Run the handle method ``method`` as a synthetic request (a caller serving one passes it on)."""
        if method.startswith("_") or method in SYNTHETIC_REFUSED or not callable(getattr(self, method, None)):
            raise InvalidInputError("method", f"{method!r} is no handle method of {self.runtime.service}")
        with synthetic_scope():
            return await getattr(self, method)(*args)

    def readiness(self) -> tuple[bool, str]:
        if not self.ready:
            return False, "starting"
        try:
            self.store.get("orders", "__readyz__")
        except Exception as exc:
            return False, f"store unavailable: {type(exc).__name__}"
        return True, "ready"

    def info(self) -> dict[str, Any]:
        service = self.runtime.service
        known = service in DEMO_TOPOLOGY.nodes
        return {
            "name": service,
            "version": aref.__version__,
            "dependencies": list(DEMO_TOPOLOGY.dependencies(service)) if known else [],
            "dependents": list(DEMO_TOPOLOGY.dependents(service)) if known else [],
            "python": platform.python_version(),
            "pid": os.getpid(),
            "replica": self.runtime.identity.replica_id,
            "actor_name": self.runtime.identity.actor_name,
        }


async def current_replica() -> ServiceReplica:
    """The deployment instance serving this request (Serve's replica context)."""
    from ray import serve

    servable: object = serve.get_replica_context().servable_object
    if not isinstance(servable, ServiceReplica):
        raise RuntimeError("the ops routes need a ServiceReplica deployment")
    return servable


def ops_router(current: Callable[[], Awaitable[ServiceReplica]] = current_replica) -> APIRouter:
    """/health, /healthz, /readyz, /info and /metrics of the answering replica."""
    router = APIRouter(tags=["ops"])
    replica_dep = Depends(current)

    @router.get("/health")
    async def health(replica: ServiceReplica = replica_dep) -> dict[str, Any]:
        return await replica.health()

    @router.get("/healthz")
    async def healthz(replica: ServiceReplica = replica_dep) -> dict[str, Any]:
        replica.runtime.ensure_started()
        return {"status": "alive", "replica_id": replica.runtime.identity.replica_id}

    @router.get("/readyz")
    async def readyz(replica: ServiceReplica = replica_dep) -> JSONResponse:
        ok, reason = replica.readiness()
        body = {"ready": ok, "reason": reason, "replica_id": replica.runtime.identity.replica_id}
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/info")
    async def info(replica: ServiceReplica = replica_dep) -> dict[str, Any]:
        return replica.info()

    @router.get("/metrics")
    async def metrics(replica: ServiceReplica = replica_dep) -> Response:
        return Response(replica.runtime.metrics.render(), media_type=CONTENT_TYPE)

    return router


def create_api(title: str, current: Callable[[], Awaitable[ServiceReplica]] = current_replica) -> FastAPI:
    """A service's FastAPI app with the ops routes, the error handlers and slash-less root paths."""
    api = FastAPI(title=title)
    api.include_router(ops_router(current))
    install_error_handlers(api)
    api.add_middleware(AdminGuard, routes=api.router.routes, current=current)
    api.add_middleware(RootWithoutSlash)
    api.add_middleware(SyntheticTag)
    return api


class RootWithoutSlash:
    """Serve ``/orders`` like ``/orders/``: under a route prefix the app sees the bare prefix as an
    empty path, which no route can declare, so it is rewritten to the prefix plus ``/``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            root = scope.get("root_path", "")
            if scope["path"] in ("", root):
                path = f"{root}/"
                scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


class SyntheticTag:
    """Serve a request whose ``X-AREF-Synthetic`` header is ``1`` as synthetic (``synthetic_scope``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and tags_synthetic(scope.get("headers", [])):
            with synthetic_scope():
                await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install_error_handlers(api: FastAPI) -> None:
    """Bad bodies and query values answer 422 ``{"error", "field"}``; domain errors keep their mapping."""

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        located = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        field = "body" if first.get("type") == "json_invalid" else located or "body"  # cut JSON: loc is an offset
        return JSONResponse({"error": f"{field}: {first.get('msg', 'invalid')}", "field": field}, status_code=422)

    async def domain(request: Request, exc: Exception) -> JSONResponse:
        return respond(error_envelope(exc))

    async def http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 400 and exc.__cause__ is not None:  # FastAPI could not even decode the body
            return JSONResponse({"error": "body: not UTF-8 encoded JSON", "field": "body"}, status_code=422)
        return JSONResponse({"error": str(exc.detail), "field": None}, status_code=exc.status_code, headers=exc.headers)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return respond(error_envelope(exc))

    api.add_exception_handler(RequestValidationError, invalid)
    api.add_exception_handler(ArefError, domain)
    api.add_exception_handler(HTTPException, http)
    api.add_exception_handler(Exception, unexpected)
