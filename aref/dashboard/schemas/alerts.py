"""The alerts response model kept for tests: derived from ``aref.control.wire`` (routes serve the TypedDicts)."""

from __future__ import annotations

from aref.control.wire import AlertsView
from aref.dashboard.schemas.common import body_model

# Derived from the wire shapes for tests that check a body with a model class; no route uses them.
AlertsOut = body_model(AlertsView)
