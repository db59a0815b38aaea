"""The shared pieces of every display: ``--json`` output, one format per kind of key, and tables.

Tables name the keys they show (``records``), and each key has one format (times, seconds,
percentages). An empty table is replaced by one line saying why it is empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

NONE = "-"
STYLES = {
    **dict.fromkeys(("healthy", "resolved", "closed", "rolled_back", "RUNNING", "on", "PASS"), "green"),
    **dict.fromkeys(("degraded", "acknowledged", "warning", "half_open", "off"), "yellow"),
    **dict.fromkeys(("critical", "firing", "open", "active", "FAIL"), "red"),
    **dict.fromkeys(("down", "emergency", "DEPLOY_FAILED"), "bold red"),
}
Row = Mapping[str, Any]


def raw(data: Any) -> None:
    """``--json``: the API's JSON, unchanged."""
    click.echo(json.dumps(data, indent=2))


def show(console: Console, data: Any, as_json: bool, draw: Callable[[Console, Any], None]) -> None:
    """``draw`` the data, or print it raw with ``--json``."""
    if as_json:
        raw(data)
    else:
        draw(console, data)


def line(console: Console, text: str, style: str = "") -> None:
    console.print(Text(text, style=style))


# -- formats --------------------------------------------------------------------------------


def when(timestamp: float | None) -> str:
    return NONE if timestamp is None else datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def seconds(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f} s"


def percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.0%}"


def formatter(key: str) -> Callable[[Any], Any] | None:
    if key.endswith("_at") or key == "timestamp":
        return when
    if key.endswith("_s") or key.startswith("time_to_"):
        return seconds
    if key in ("rate", "error_rate"):
        return percent
    return None


def cell(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    if value is None or value == [] or value == "":
        return Text(NONE)
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, float):
        return Text(f"{value:.4g}")
    if isinstance(value, (list, tuple)):
        return Text(", ".join(str(v) for v in value))
    text = str(value)
    return Text(text, style=STYLES.get(text, ""))


# -- tables ---------------------------------------------------------------------------------


def table(console: Console, title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], empty: str) -> None:
    """A table of ``rows``; with none, the line ``title: empty`` instead."""
    rows = list(rows)
    if not rows:
        console.print(f"[bold]{escape(title)}[/]: {escape(empty)}")
        return
    grid = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*(cell(v) for v in row))
    console.print(grid)


def records(console: Console, title: str, items: Iterable[Row], keys: str, empty: str) -> None:
    """A table of ``items`` showing the space-separated ``keys``, each in its key's format."""
    names = keys.split()
    rows = [[(formatter(k) or (lambda v: v))(item.get(k)) for k in names] for item in items]
    table(console, title, [k.removesuffix("_s").replace("_", " ") for k in names], rows, empty)
