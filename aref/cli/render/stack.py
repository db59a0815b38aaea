"""``up``, ``load`` and ``seed``: the live progress displays and their summaries, and the background load."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from aref.cli.render.basics import Row, formatter, table


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


def load_status(console: Console, data: Row, title: str = "Load") -> None:
    """A ``LoadView``: state, plan, progress, then what the client saw and each status it got."""
    plan, stats = data["plan"], data["stats"]
    state = "running" if data["running"] else "stopped" if plan is not None else "never started"
    rows: list[tuple[str, Any]] = [("state", state), ("target", data["target"])]
    if plan is not None:
        rows += [(_label(k), _shown(k, v)) for k, v in plan.items() if v is not None]
        rows += [(_label(k), _shown(k, data[k])) for k in ("started_at", "stopped_at")]
    rows += [("sent", data["sent"]), ("in flight", data["in_flight"])]
    rows += [(_label(k), _shown(k, v)) for k, v in stats.items() if not isinstance(v, dict)]
    rows += [(f"answered {code}", count) for code, count in stats["by_status"].items()]
    table(console, title, ("measure", "value"), rows, "nothing to show")


def _label(key: str) -> str:
    if key.endswith("_per_s"):
        return f"{key.removesuffix('_per_s').replace('_', ' ')} /s"
    return key.removesuffix("_s").replace("_", " ")


def _shown(key: str, value: Any) -> Any:
    if key == "profile" or key.endswith("_per_s"):
        return value
    fmt = formatter(key)
    return value if fmt is None else fmt(value)


def seeded(console: Console, data: Row) -> None:
    table(console, "Demo history loaded", ("what", "added"), list(data.items()), "the API added nothing")
