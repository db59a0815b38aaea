"""The web UI: GET / (the page shell), GET /static/{path} (its ES modules, stylesheets, vendored uPlot)
and GET /ui/config (the settings the page needs: the Ray dashboard URL, the telemetry tick).

Static files are served from ``aref/dashboard/static`` only: a path that resolves outside it, a
hidden file or an unknown file type is a 404, like a missing file. Responses carry
``Cache-Control: no-cache`` so a redeployed UI is picked up on the next load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from aref.errors import NotFoundError

router = APIRouter(tags=["web"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    "": "text/plain; charset=utf-8",  # LICENSE
}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> HTMLResponse:
    return HTMLResponse(request.app.state.index_html)


@router.get("/ui/config", include_in_schema=False)
async def ui_config(request: Request) -> dict[str, Any]:
    """What the page cannot learn from the API: a telemetry sample covers one tick of ``tick_seconds``."""
    settings = request.app.state.settings
    return {"ray_dashboard_url": settings.ray_dashboard_url, "tick_seconds": settings.tick_seconds}


@router.get("/static/{path:path}", include_in_schema=False)
async def static(path: str) -> FileResponse:
    target = static_file(path)
    return FileResponse(target, media_type=MEDIA_TYPES[target.suffix], headers={"Cache-Control": "no-cache"})


def static_file(path: str, root: Path = STATIC_DIR) -> Path:
    """The file ``path`` names under ``root``; ``NotFoundError`` for anything else."""
    base = root.resolve()
    target = (base / path).resolve()
    inside = target.is_relative_to(base) and target != base
    hidden = any(part.startswith(".") for part in target.relative_to(base).parts) if inside else True
    if hidden or not target.is_file() or target.suffix not in MEDIA_TYPES:
        raise NotFoundError("static file", path)
    return target
