"""FastAPI dependencies: the control plane the app was built over."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from aref.control.plane import ControlPlane

API_PREFIX = "/api/aref"


def control_plane(request: Request) -> ControlPlane:
    return cast(ControlPlane, request.app.state.control_plane)


Plane = Annotated[ControlPlane, Depends(control_plane)]
