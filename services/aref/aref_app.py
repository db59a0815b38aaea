"""The ``aref`` Serve application: dashboard API, web UI and Prometheus ``/metrics`` at route ``/``.

Its builder reads the settings once (the environment of ``serve run``) and builds the FastAPI
app over a ``RayControlPlane``; each replica makes sure the pillar actors exist (idempotent), so
``serve run serve_config.yaml`` brings up the whole control plane.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from ray import serve
from ray.serve import Application

from actors.bootstrap import ensure_actors
from aref.config import ArefSettings, load_settings
from aref.dashboard.app import create_app
from services.aref.ray_control_plane import RayControlPlane


class ArefArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


def app(args: ArefArgs | None = None) -> Application:
    settings = load_settings()
    api = create_app(RayControlPlane(settings), settings=settings)

    @serve.deployment(name="aref", ray_actor_options={"num_cpus": 0.05}, health_check_period_s=1)
    @serve.ingress(api)
    class ArefIngress:
        def __init__(self, settings: ArefSettings) -> None:
            self.actors: dict[str, Any] = ensure_actors(settings)

    application: Application = ArefIngress.bind(settings)  # type: ignore[attr-defined]
    return application
