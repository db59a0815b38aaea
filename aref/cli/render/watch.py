"""``watch``: the live view's panels, laid out on one screen, or printed one after another as a snapshot.

The data is what ``aref watch`` gathers (``status``, ``services``, ``alerts``, ``chaos``,
``recovery``, ``timeline``: the API's views, unchanged). ``screen`` lays out the focused panel
for a ``Live`` display; ``snapshot`` prints every panel in full, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.layout import Layout
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from aref.cli.render.basics import NONE, Row, cell, percent
from aref.cli.render.lifecycle import brief

Data = Mapping[str, Any]
FOCI = ("overview", "services", "alerts", "chaos", "events")  # key 1..5 focuses each
WIDE = 110  # columns from which the overview shows the CRS and pillars as a panel beside the services
OVERVIEW_WIDTH = 36  # that panel's width
WIDE_COLUMNS = 120  # columns from which a focused panel, or a snapshot, shows every column
DETAILS_WIDTH = 100  # an event's details are cut to this many characters (a snapshot wraps them)
FREE_TEXT = ("why", "details", "depends on")  # on a screen, these take the width the others leave


@dataclass(frozen=True)
class Frame:
    """What the screen shows: the last answer, when it came, and the last attempt's failure."""

    url: str
    interval: float
    data: Data | None = None  # None before the first answer
    refreshed_at: float | None = None  # wall time of the last answer
    error: str | None = None  # why the last attempt failed; None when it answered


def clock(timestamp: float | None) -> str:
    return NONE if timestamp is None else datetime.fromtimestamp(timestamp).strftime("%H:%M:%S")


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def grid(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], empty: str, title: str | None = None, fit: bool = False
) -> RenderableType:
    """A borderless table of ``rows``; with none, the dim line ``empty`` (under ``title`` if given).

    Values stay on one line (cut with an ellipsis when nothing else fits), except the free-text
    columns of a snapshot, which wrap; with ``fit`` (a screen of fixed height), those take the
    width the others leave and are cut too.
    """
    if not rows:
        line = Text(empty, style="dim")
        return line if title is None else Group(Text(title, style="bold"), line)
    free = [c in FREE_TEXT for c in columns]
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),  # with the box's blank divider: two spaces between columns
        expand=fit and any(free),
    )
    for column, text in zip(columns, free, strict=True):
        wrap = text and not fit
        table.add_column(
            column, no_wrap=not wrap, overflow="fold" if wrap else "ellipsis", ratio=1 if fit and text else None
        )
    for row in rows:
        table.add_row(*(cell(v) for v in row))
    return table


def titled(title: str, body: RenderableType) -> Panel:
    return Panel(body, title=f"[bold]{title}[/]", title_align="left", border_style="blue")


# -- the panels -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Detail:
    """How much a panel shows: ``wide`` adds columns, ``full`` adds the history tables, and
    ``fit`` keeps every row on one line (a screen of fixed height) where a snapshot wraps."""

    wide: bool = False
    full: bool = False
    fit: bool = True

    @classmethod
    def focused(cls, width: int) -> Detail:
        return cls(wide=width >= WIDE_COLUMNS, full=True)

    @classmethod
    def snapshot(cls, width: int) -> Detail:
        return cls(wide=width >= WIDE_COLUMNS, full=True, fit=False)


GLANCE = Detail()  # a panel of the overview


def overview(status: Row) -> Panel:
    """The CRS, the counts, and each pillar's level."""
    alerts, chaos = status["alerts"], status["chaos"]
    body = Text.assemble(
        ("CRS ", "bold"),
        (f"{status['crs']:.2f}", "bold"),
        f" / 5 ({status['crs_percent']:.0f}%) {status['risk_profile']}\n",
        ("alerts ", "bold"),
        f"{alerts['open']} open ({alerts['firing']} firing)\n",
        ("faults ", "bold"),
        f"{chaos['active_faults']} active ({', '.join(chaos['services']) or 'none'})\n",
        ("recoveries ", "bold"),
        f"{status['active_recoveries']} active\n",
    )
    body.no_wrap, body.overflow = True, "ellipsis"
    levels = Table("pillar", "level", "label", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name, score in status["pillars"].items():
        levels.add_row(name, f"L{score['level']}", score["label"])
    return titled("CRS and pillars", Group(body, levels))


def levels(status: Row) -> Panel:
    """The CRS and each pillar's level on one line (the overview on a narrow screen)."""
    line = Text.assemble(("CRS ", "bold"), f"{status['crs']:.2f} ({status['crs_percent']:.0f}%)")
    for name, score in status["pillars"].items():
        line.append(f" · {name[:3]} L{score['level']}")
    line.no_wrap, line.overflow = True, "ellipsis"
    return titled("CRS and pillars", line)


def services(data: Row, detail: Detail = GLANCE) -> Panel:
    """Each service's health, real replicas running/target, tier, open alerts and faults."""
    keys = ["service", "health", "replicas", "tier", "alerts", "faults"]
    if detail.wide:
        keys += ["requests", "errors", "p99 ms", "why"]
    rows = []
    for s in data["services"]:
        row = [
            s["name"],
            s["status"],
            f"{s['replicas']['running']}/{s['replicas']['target']}",
            s["degradation_tier"],
            s["open_alerts"],
            len(s["active_faults"]),
        ]
        if detail.wide:
            telemetry = s["telemetry"] or {}
            p99, rate = telemetry.get("latency_p99_ms"), telemetry.get("error_rate")
            row += [telemetry.get("requests"), percent(rate), p99, "; ".join(s["reasons"])]
        rows.append(row)
    return titled("Services", grid(keys, rows, "no service reported", fit=detail.fit))


def replicas(data: Row, detail: Detail = GLANCE) -> Panel:
    """Per service: the ids of its running replicas and of the faults on it, one per line."""
    rows = [
        (
            s["name"],
            f"{s['replicas']['running']}/{s['replicas']['target']}",
            Text("\n".join(s["replicas"]["running_ids"]) or NONE),
            Text("\n".join(s["active_faults"]) or NONE),
            s["dependencies"],
        )
        for s in data["services"]
    ]
    keys = ("service", "running/target", "replica ids", "fault ids", "depends on")
    return titled("Replicas", grid(keys, rows, "no service reported", fit=detail.fit))


def alerts(data: Row, detail: Detail = GLANCE) -> Panel:
    """The open alerts (and, in full, the recently resolved ones)."""
    keys = ["id", "service", "metric", "severity", "state"]
    if detail.wide:
        keys += ["fired", "detector", "value", "threshold", "correlation"]

    def rows(items: Sequence[Row]) -> list[list[Any]]:
        found = []
        for a in items:
            row = [a["id"], a["service"], a["metric"], a["severity"], a["state"]]
            if detail.wide:
                row += [clock(a["fired_at"]), a["detector"], a["value"], a["threshold"], a["correlation_id"]]
            found.append(row)
        return found

    body = grid(keys, rows(data["active"]), "no alert is firing or acknowledged", fit=detail.fit)
    if detail.full:
        resolved = grid(keys, rows(data["recent_resolved"]), "none yet", "Recently resolved", detail.fit)
        body = Group(body, Text(), resolved)
    return titled(f"Open alerts ({len(data['active'])})", body)


def chaos(faults: Row, recovery: Row, detail: Detail = GLANCE) -> Panel:
    """Active faults and active recoveries (and, in full, the faults rolled back lately)."""
    keys = ["fault", "service", "type", "left"]
    if detail.wide:
        keys += ["rate", "experiment", "started", "correlation"]
    active = []
    for f in faults["active"]:
        row = [f["fault_id"], f["service"], f["fault_type"], f"{f['remaining_s']:.0f} s"]
        if detail.wide:
            row += [percent(f["rate"]), f["experiment"], clock(f["started_at"]), f["correlation_id"]]
        active.append(row)
    columns = ["incident", "service", "tier", "elapsed/target"] + (["severity", "runbook"] if detail.wide else [])
    recoveries = []
    for r in recovery["active"]:
        row = [r["incident_id"], r["service"], r["tier"], f"{r['elapsed_seconds']:.0f}/{r['target_seconds']:.0f} s"]
        if detail.wide:
            row += [r["severity"], f"{r['runbook'] or NONE} {r['steps_done']}/{r['steps_total']}"]
        recoveries.append(row)
    parts: list[RenderableType] = [
        grid(keys, active, "no fault is active", "Active faults", detail.fit),
        Text(),
        grid(columns, recoveries, "no recovery is running", "Active recoveries", detail.fit),
    ]
    if detail.full:
        ended = [
            [f["fault_id"], f["service"], f["fault_type"], clock(f["ended_at"])]
            + ([f["experiment"]] if detail.wide else [])
            + [f["end_reason"]]
            for f in faults["recent"]
        ]
        columns = ["fault", "service", "type", "ended"] + (["experiment"] if detail.wide else []) + ["why"]
        parts += [Text(), grid(columns, ended, "none yet", "Rolled back faults", detail.fit)]
    return titled(f"Faults ({len(faults['active'])}) and recoveries ({len(recovery['active'])})", Group(*parts))


def events(data: Row, detail: Detail = GLANCE) -> Panel:
    """The newest events of the timeline, newest first."""
    keys = ["time", "severity", "topic", "source"] + (["correlation"] if detail.wide else []) + ["details"]
    rows = [
        [clock(e["timestamp"]), e["severity"], e["topic"], e["source"]]
        + ([e["correlation_id"]] if detail.wide else [])
        + [cut(brief(e["payload"]), DETAILS_WIDTH)]
        for e in data["events"]
    ]
    title = f"Recent events ({len(rows)} of {data['matched']})"
    return titled(title, grid(keys, rows, "no event yet", fit=detail.fit))


# -- the live screen ------------------------------------------------------------------------


def header(frame: Frame, focus: str) -> Text:
    """Two lines: where, when, and either the headline numbers or why the last attempt failed."""
    when = f"refreshed {clock(frame.refreshed_at)}" if frame.refreshed_at is not None else "not refreshed yet"
    version = f"AREF {frame.data['status']['version']} · " if frame.data else ""
    top = Text.assemble(
        ("aref watch", "bold"), f" · {frame.url} · {version}{when}, every {frame.interval:g} s · {focus}"
    )
    if frame.error is not None:
        second = Text(f"{frame.error} (retrying every {frame.interval:g} s)", style="bold red")
    elif frame.data is not None:
        status = frame.data["status"]
        second = Text(
            f"CRS {status['crs']:.2f} / 5 · {status['alerts']['open']} open alerts · "
            f"{status['chaos']['active_faults']} active faults · {status['active_recoveries']} active recoveries"
        )
    else:
        second = Text("waiting for AREF", style="dim")
    lines = Text("\n").join((top, second))
    lines.no_wrap, lines.overflow = True, "ellipsis"
    return lines


def footer(focus: str) -> Text:
    """The keys, the focused panel's highlighted."""
    keys = Text(no_wrap=True, overflow="ellipsis")
    for number, name in enumerate(FOCI, 1):
        keys.append(f" {number} {name} ", style="reverse bold" if name == focus else "")
    keys.append("  r refresh  q quit", style="dim")
    return keys


@dataclass(frozen=True)
class Screen:
    """The whole screen: header, the focused panel (or the overview of them all), the keys.

    Laid out when drawn, for the width there is: narrower than ``WIDE`` columns, the overview
    puts the CRS and pillar levels on one line and gives the services the full width.
    """

    frame: Frame
    focus: str

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        root = Layout(name="root")
        root.split_column(
            Layout(header(self.frame, self.focus), name="header", size=2),
            body(self.frame, self.focus, options.max_width),
            Layout(footer(self.focus), name="footer", size=1),
        )
        yield root


def screen(frame: Frame, focus: str) -> Screen:
    return Screen(frame, focus)


def body(frame: Frame, focus: str, width: int) -> Layout:
    data = frame.data
    layout = Layout(name="body")
    if data is None:
        waiting = "no answer from AREF yet" if frame.error else "asking AREF..."
        layout.update(titled("AREF", Text(waiting, style="dim")))
    elif focus == "services":
        focused = Detail.focused(width)
        top = Layout(services(data["services"], focused), size=len(data["services"]["services"]) + 4)
        layout.split_column(top, Layout(replicas(data["services"], focused)))
    elif focus == "alerts":
        layout.update(alerts(data["alerts"], Detail.focused(width)))
    elif focus == "chaos":
        layout.update(chaos(data["chaos"], data["recovery"], Detail.focused(width)))
    elif focus == "events":
        layout.update(events(data["timeline"], Detail.focused(width)))
    else:
        rows = len(data["services"]["services"]) + 4
        if width >= WIDE:
            top = Layout(size=max(rows, 14))
            top.split_row(Layout(overview(data["status"]), size=OVERVIEW_WIDTH), Layout(services(data["services"])))
            parts = [top]
        else:
            parts = [Layout(levels(data["status"]), size=3), Layout(services(data["services"]), size=rows)]
        middle = Layout(ratio=1)
        middle.split_row(Layout(alerts(data["alerts"])), Layout(chaos(data["chaos"], data["recovery"])))
        layout.split_column(*parts, middle, Layout(events(data["timeline"]), ratio=1))
    return layout


# -- the snapshot ---------------------------------------------------------------------------


def snapshot(console: Console, url: str, data: Data) -> None:
    """Every panel in full, one after another (``aref watch`` outside a terminal, or ``--once``);
    every column when the console is wide enough."""
    status = data["status"]
    console.print(
        Text.assemble(("aref watch", "bold"), f" · {url} · AREF {status['version']} · as of {clock(status['at'])}")
    )
    detail = Detail.snapshot(console.width)
    for panel in (
        overview(status),
        services(data["services"], detail),
        replicas(data["services"], detail),
        alerts(data["alerts"], detail),
        chaos(data["chaos"], data["recovery"], detail),
        events(data["timeline"], detail),
    ):
        console.print(panel)
