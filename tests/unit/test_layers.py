"""ARCHITECTURE §2: the domain under aref/ imports no ray, fastapi, starlette, click or rich."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

AREF = Path(__file__).resolve().parents[2] / "aref"
EDGES = {"cli", "dashboard"}
FORBIDDEN = {"ray", "fastapi", "starlette", "click", "rich", "uvicorn"}


def domain_modules() -> list[Path]:
    return sorted(p for p in AREF.rglob("*.py") if p.relative_to(AREF).parts[0] not in EDGES)


def forbidden_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def test_the_scan_covers_the_domain() -> None:
    scanned = {p.relative_to(AREF).parts[0] for p in domain_modules()}
    assert {"detection", "absorption", "store", "clock.py"} <= scanned


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(AREF)))
def test_domain_module_imports_no_edge_library(path: Path) -> None:
    assert forbidden_imports(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import ray",
        "from ray import serve",
        "import fastapi.routing",
        "from rich.console import Console",
        "def f():\n    import click\n",
    ],
)
def test_the_detector_catches_edge_imports(source: str) -> None:
    assert forbidden_imports(source)


def test_relative_and_lookalike_imports_are_allowed() -> None:
    assert forbidden_imports("import rayleigh\nfrom . import ray\nimport richards") == []
