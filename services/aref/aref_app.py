"""The ``aref`` Serve application: dashboard API, web UI and Prometheus ``/metrics`` at route ``/``.

Its builder reads the settings once (the environment of ``serve run``) and builds the FastAPI
app over the control plane on the Ray transport; each replica makes sure the actors exist
(idempotent), so ``serve run serve_config.yaml`` brings up the whole control plane.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from ray import serve
from ray.serve import Application

from actors.bootstrap import ensure_actors
from actors.transport import RayTransport
from aref.clock import SystemClock
from aref.config import ArefSettings, load_settings
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.logs import configure_logging
from aref.recovery.defaults import configured_runbooks


class ArefArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


def app(args: ArefArgs | None = None) -> Application:
    settings = load_settings()
    configure_logging(settings.log_level)
    plane = ControlPlane(settings, RayTransport(), SystemClock(), runbooks=configured_runbooks(settings.recovery))
    api = create_app(plane, settings=settings)

    @serve.deployment(name="aref", ray_actor_options={"num_cpus": 0.05}, health_check_period_s=1)
    @serve.ingress(api)
    class ArefIngress:
        def __init__(self, settings: ArefSettings) -> None:
            configure_logging(settings.log_level)
            self.actors: dict[str, Any] = ensure_actors(settings)

    application: Application = ArefIngress.bind(settings)  # type: ignore[attr-defined]
    return application
