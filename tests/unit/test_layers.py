"""docs/architecture.md, layers: the domain imports no edge library, and no package imports a layer above its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

AREF = Path(__file__).resolve().parents[2] / "aref"
EDGES = {"cli", "dashboard"}
FORBIDDEN = {"ray", "fastapi", "starlette", "click", "rich", "uvicorn"}


def domain_modules() -> list[Path]:
    return sorted(p for p in AREF.rglob("*.py") if p.relative_to(AREF).parts[0] not in EDGES)


def imported_modules(source: str) -> list[str]:
    """Every absolute import of ``source``, wherever it stands (module level or inside a function)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def forbidden_imports(source: str) -> list[str]:
    return [n for n in imported_modules(source) if n.split(".")[0] in FORBIDDEN]


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


# -- the order between the project's own packages ------------------------------------------------

ROOT = AREF.parent
PACKAGES = ("aref", "chaos", "actors", "services")
# lowest first: a module may import its own layer and the layers below it, never one above
LAYER_ORDER = ("domain", "chaos", "control", "actors", "services", "edge", "entry")
LAYER_PREFIXES = (  # the longest matching prefix decides a module's layer
    ("services.aref", "entry"),
    ("aref.cli", "entry"),
    ("aref.dashboard", "edge"),
    ("services", "services"),
    ("actors", "actors"),
    ("aref.control", "control"),
    ("chaos", "chaos"),
    ("aref", "domain"),
)


def layer_of(module: str) -> str | None:
    matches = [(p, layer) for p, layer in LAYER_PREFIXES if module == p or module.startswith(p + ".")]
    return max(matches, key=lambda m: len(m[0]))[1] if matches else None


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def project_modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def upward_imports(module: str, source: str) -> list[str]:
    """The project modules ``source`` (the text of ``module``) imports from a layer above its own."""
    own = LAYER_ORDER.index(layer_of(module) or "domain")
    found = []
    for name in imported_modules(source):
        layer = layer_of(name)
        if layer is not None and LAYER_ORDER.index(layer) > own:
            found.append(f"{name} ({layer} above {LAYER_ORDER[own]})")
    return found


def test_the_layer_scan_covers_every_package() -> None:
    layers = {layer_of(module_name(p)) for p in project_modules()}
    assert layers == set(LAYER_ORDER)


@pytest.mark.parametrize("path", project_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_layer_above_its_own(path: Path) -> None:
    assert upward_imports(module_name(path), path.read_text()) == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("aref.detection.engine", "from chaos.faults import FaultSpec"),
        ("aref.detection.engine", "from aref.control.plane import ControlPlane"),
        ("chaos.runner", "import actors.client"),
        ("aref.control.plane", "from actors.transport import RayTransport"),
        ("actors.shell", "from services.base.replica import ServiceReplica"),
        ("actors.shell", "def f():\n    from aref.dashboard.app import create_app\n"),
        ("services.base.replica", "from aref.cli.main import cli"),
    ],
)
def test_the_layer_check_catches_upward_imports(module: str, source: str) -> None:
    assert upward_imports(module, source)


def test_imports_of_the_same_or_a_lower_layer_pass() -> None:
    assert upward_imports("services.aref.aref_app", "from aref.dashboard.app import create_app") == []
    assert (
        upward_imports("actors.shell", "from aref.control.host import invoke\nfrom chaos.faults import FaultSpec") == []
    )
    assert upward_imports("aref.control.plane", "import aref.control.wire\nimport ray") == []
