"""The API without Ray: the pillar services in this process, on the wall clock.

``uvicorn --factory aref.dashboard.standalone:app`` serves the control plane over the in-process
transport (for UI work or a demo without a cluster): a simulated fleet and shop stand in for
Serve, and the load target says so ("in-memory shop"). Settings come from the environment
(``AREF_*``, ``.env``); the store is the configured one (``AREF_STORE``).
"""

from __future__ import annotations

from fastapi import FastAPI

from aref.clock import SystemClock
from aref.config import ArefSettings, load_settings
from aref.control.inprocess.transport import local_control_plane
from aref.dashboard.app import create_app
from aref.logs import configure_logging
from aref.store import open_store


def app(settings: ArefSettings | None = None) -> FastAPI:
    settings = load_settings() if settings is None else settings
    configure_logging(settings.log_level)
    clock = SystemClock()
    store = open_store(settings.store, settings.data_dir, clock=clock)
    return create_app(local_control_plane(settings, clock, store), settings=settings)
