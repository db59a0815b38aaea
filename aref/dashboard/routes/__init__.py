"""One APIRouter per resource; ``ROUTERS`` lists them in the order the API documents them."""

from __future__ import annotations

from fastapi import APIRouter

from aref.dashboard.routes import (
    absorption,
    adaptation,
    alerts,
    chaos,
    detection,
    evolution,
    load,
    maturity,
    metrics,
    prometheus,
    recovery,
    seed,
    services,
    status,
    timeline,
    web,
)

ROUTERS: tuple[APIRouter, ...] = (
    status.router,
    services.router,
    alerts.router,
    timeline.router,
    detection.router,
    absorption.router,
    adaptation.router,
    recovery.router,
    evolution.router,
    maturity.router,
    metrics.router,
    chaos.router,
    load.router,
    seed.router,
    prometheus.router,
    web.router,
)
