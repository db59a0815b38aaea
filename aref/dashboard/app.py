"""``create_app``: the AREF control-plane API over any ``ControlPlane``.

The app holds no logic and no state of its own: routes translate HTTP to control-plane calls
(``aref.dashboard.routes``), one set of handlers maps failures to HTTP (``errors``), and a
bearer-token guard protects every mutating request when ``settings.api_token`` is set
(``auth``); browsers may call it cross-origin only from ``settings.cors_origins``. Settings are
built by the entry point and passed in; without them they are loaded from the environment once,
here.
"""

from __future__ import annotations

import html
from importlib.resources import files
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from aref import __version__
from aref.auth import configured_token
from aref.config import ArefSettings, load_settings
from aref.control.plane import ControlPlane
from aref.dashboard.auth import BearerTokenGuard
from aref.dashboard.errors import install_error_handlers
from aref.dashboard.routes import ROUTERS
from aref.errors import InvalidInputError

DESCRIPTION = (
    "Control plane of AREF, the Adaptive Resilience Engineering Framework: pillar status, alerts, "
    "the event timeline, maturity and CRS, chaos experiments, scaling, feature flags and traffic weights. "
    "Mutating requests need 'Authorization: Bearer <AREF_API_TOKEN>' when a token is configured."
)
RAY_URL_PLACEHOLDER = "{{RAY_DASHBOARD_URL}}"


def create_app(control_plane: ControlPlane, *, settings: ArefSettings | None = None) -> FastAPI:
    settings = load_settings() if settings is None else settings
    app = FastAPI(title="AREF control plane", version=__version__, description=DESCRIPTION)
    app.state.control_plane = control_plane
    app.state.settings = settings
    app.state.index_html = render_index(settings.ray_dashboard_url)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    token = configured_token(settings.api_token)
    if token:
        app.add_middleware(BearerTokenGuard, token=token)
    if settings.cors_origins:  # outermost, so a refusal by the guard still carries the CORS headers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return app


def render_index(ray_dashboard_url: str) -> str:
    """The landing page with the Ray dashboard link filled in (http or https URLs only)."""
    if urlsplit(ray_dashboard_url).scheme not in ("http", "https"):
        raise InvalidInputError("AREF_RAY_DASHBOARD_URL", f"must be an http(s) URL, got {ray_dashboard_url!r}")
    page = files("aref.dashboard").joinpath("static", "index.html").read_text(encoding="utf-8")
    return page.replace(RAY_URL_PLACEHOLDER, html.escape(ray_dashboard_url, quote=True))
