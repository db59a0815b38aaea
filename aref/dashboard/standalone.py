"""The API without Ray: the real engines in this process, on the wall clock.

``uvicorn --factory aref.dashboard.standalone:app`` serves the control plane over a
``LocalControlPlane`` (for UI work or a demo without a cluster). Settings come from the
environment (``AREF_*``, ``.env``); the store is the configured one (``AREF_STORE``).
"""

from __future__ import annotations

from fastapi import FastAPI

from aref.clock import SystemClock
from aref.config import ArefSettings, load_settings
from aref.dashboard.app import create_app
from aref.dashboard.local import LocalControlPlane
from aref.store import open_store


def app(settings: ArefSettings | None = None) -> FastAPI:
    settings = load_settings() if settings is None else settings
    clock = SystemClock()
    store = open_store(settings.store, settings.data_dir, clock=clock)
    return create_app(LocalControlPlane(settings, clock, store), settings=settings)
