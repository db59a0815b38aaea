"""The shop logic and the runtime's pure parts import no ray, fastapi or starlette (only the glue does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_layers import forbidden_imports

SERVICES = Path(__file__).resolve().parents[3] / "services"
GLUE = {"base/replica.py", "base/ray_link.py", "base/admin.py", "aref"}  # admin.py: an ASGI middleware


def is_glue(path: Path) -> bool:
    relative = path.relative_to(SERVICES)
    return path.name.endswith("_app.py") or str(relative) in GLUE or relative.parts[0] in GLUE


def pure_modules() -> list[Path]:
    return sorted(p for p in SERVICES.rglob("*.py") if not is_glue(p))


def test_the_scan_covers_every_service_and_the_runtime() -> None:
    names = {str(p.relative_to(SERVICES)) for p in pure_modules()}
    assert {
        "orders/book.py",
        "payments/ledger.py",
        "inventory/stockroom.py",
        "notifications/dispatcher.py",
        "gateway/pipeline.py",
        "base/guards.py",
        "base/runtime.py",
        "base/control.py",
    } <= names


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: str(p.relative_to(SERVICES)))
def test_pure_module_imports_no_edge_library(path: Path) -> None:
    assert forbidden_imports(path.read_text()) == []
