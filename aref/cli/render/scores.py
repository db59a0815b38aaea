"""``status``, ``pillars`` and ``maturity``: the CRS and each pillar's maturity level."""

from __future__ import annotations

from collections.abc import Mapping

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from aref.cli.render.basics import NONE, Column, Row, line, table, when

RUNTIMES = {
    "ray": "Ray Serve (real replicas and pillar actors)",
    "simulated": "SIMULATED in this process: a simulated fleet and shop stand in for Serve",
}


def status(console: Console, data: Row) -> None:
    alerts, chaos = data["alerts"], data["chaos"]
    severities = ", ".join(f"{k} {v}" for k, v in alerts["by_severity"].items() if v) or "none"
    body = Text.assemble(
        ("CRS ", "bold"),
        f"{data['crs']:.2f} / 5 ({data['crs_percent']:.0f}%) under the {data['risk_profile']} profile\n",
        ("alerts ", "bold"),
        f"{alerts['open']} open ({alerts['firing']} firing, {alerts['acknowledged']} acknowledged; {severities})\n",
        ("recoveries ", "bold"),
        f"{data['active_recoveries']} active\n",
        ("chaos ", "bold"),
        f"{chaos['active_faults']} active faults (services: {', '.join(chaos['services']) or 'none'})\n",
        ("runtime ", "bold"),
        RUNTIMES.get(str(data["runtime"]), str(data["runtime"])),
    )
    levels = Table("pillar", "level", "label", box=box.SIMPLE_HEAD)
    for name, score in data["pillars"].items():
        levels.add_row(name, f"L{score['level']}", score["label"])
    title = f"AREF {data['version']} at {when(data['at'])}"
    console.print(Panel(Group(body, levels), title=title, title_align="left", expand=False))


def pillars(console: Console, levels: Row, headlines: Mapping[str, str]) -> None:
    rows = [(name, f"L{score['level']}", score["label"], headlines.get(name, NONE)) for name, score in levels.items()]
    columns = ("pillar", Column("level", 1), "label", Column("now", 2, "text"))
    table(console, "Pillars", columns, rows, "no pillar reported")


def maturity(console: Console, data: Row) -> None:
    line(console, f"CRS {data['crs']:.2f} / 5 ({data['crs_percent']:.0f}%) under the {data['profile']} profile", "bold")
    rows = [
        (name, f"L{p['level']}", p["label"], p["next_level"], [g["description"] for g in p["gaps"]])
        for name, p in data["pillars"].items()
    ]
    columns = ("pillar", Column("level", 1), "label", Column("next", 3), Column("gaps to the next level", 2, "text"))
    table(console, "Maturity", columns, rows, "no pillars")
    checks = [
        (name, f"L{c['level']}", "✓" if c["holds"] else "✗", c["id"].partition(".")[2], _evidence(c, data.get("at")))
        for name, p in data["pillars"].items()
        for c in p.get("criteria", [])
    ]
    columns2 = ("pillar", Column("level", 1), "", "criterion", Column("newest evidence, or why not", 2, "text"))
    table(console, "Criteria", columns2, checks, "no criteria")
    profiles = [(name, f"{crs:.2f}") for name, crs in data["crs_by_profile"].items()]
    table(console, "CRS by risk profile", ("profile", "crs"), profiles, "no profiles")


def _evidence(criterion: Row, now: float | None) -> str:
    """The newest evidence with its age (``RUN-1 (run, 2 h ago)``), or the reason it does not hold."""
    if not criterion["holds"]:
        return str(criterion.get("reason") or NONE)
    items = criterion.get("evidence") or []
    if not items:
        return NONE
    first = items[0]
    more = f" +{len(items) - 1}" if len(items) > 1 else ""
    if first["at"] is None or now is None:
        return f"{first['ref']}: {first['note']}{more}"
    return f"{first['ref']} ({first['kind']}, {_age(now - first['at'])} ago){more}"


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{max(seconds, 0.0):.0f} s"
