"""``up``, ``load`` and ``seed``: the live progress displays and their summaries."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from aref.cli.render.basics import Row, table


def stack_progress(console: Console) -> Progress:
    """The live display of ``up``: one row per Serve application and its status."""
    return Progress(TextColumn("{task.description:<14}"), TextColumn("{task.fields[state]}"), console=console)


def bar_progress(console: Console, *, enabled: bool = True) -> Progress:
    """The live display of ``load`` (orders sent)."""
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"))
    return Progress(*columns, console=console, disable=not enabled)


def load_summary(console: Console, data: Row) -> None:
    rows = [(k.replace("_", " "), v) for k, v in data.items() if not isinstance(v, dict)]
    rows += [(f"answered {code}", count) for code, count in data["statuses"].items()]
    table(console, "Load", ("measure", "value"), rows, "nothing was sent")


def seeded(console: Console, data: Row) -> None:
    table(console, "Demo history loaded", ("what", "added"), list(data.items()), "the API added nothing")
