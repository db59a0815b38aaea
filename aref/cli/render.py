"""Every table, panel and progress display of the CLI, drawn from the API's JSON shapes (``aref.dashboard.wire``).

Functions take the console and plain data; nothing here talks to the API. Tables name the keys
they show (``records``), and each key has one format (times, seconds, percentages). An empty
table is replaced by one line saying why it is empty. ``--json`` output goes through ``raw``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import click
from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn
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


# -- status, pillars, maturity --------------------------------------------------------------


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
        f"{chaos['active_faults']} active faults (services: {', '.join(chaos['services']) or 'none'})",
    )
    levels = Table("pillar", "level", "label", box=box.SIMPLE_HEAD)
    for name, score in data["pillars"].items():
        levels.add_row(name, f"L{score['level']}", score["label"])
    title = f"AREF {data['version']} at {when(data['at'])}"
    console.print(Panel(Group(body, levels), title=title, title_align="left", expand=False))


def pillars(console: Console, levels: Row, headlines: Mapping[str, str]) -> None:
    rows = [(name, f"L{score['level']}", score["label"], headlines.get(name, NONE)) for name, score in levels.items()]
    table(console, "Pillars", ("pillar", "level", "label", "now"), rows, "no pillar reported")


def maturity(console: Console, data: Row) -> None:
    line(console, f"CRS {data['crs']:.2f} / 5 ({data['crs_percent']:.0f}%) under the {data['profile']} profile", "bold")
    rows = [
        (name, f"L{p['level']}", p["label"], p["next_level"], [g["description"] for g in p["gaps"]])
        for name, p in data["pillars"].items()
    ]
    table(console, "Maturity", ("pillar", "level", "label", "next", "gaps to the next level"), rows, "no pillars")
    profiles = [(name, f"{crs:.2f}") for name, crs in data["crs_by_profile"].items()]
    table(console, "CRS by risk profile", ("profile", "crs"), profiles, "no profiles")


# -- services, flags ------------------------------------------------------------------------


def services(console: Console, data: Row) -> None:
    items = [
        {
            **(s["telemetry"] or {}),
            **s,
            "replicas": f"{s['replicas']['running']}/{s['replicas']['target']}",
            "faults": len(s["active_faults"]),
            "why": "; ".join(s["reasons"]),
        }
        for s in data["services"]
    ]
    keys = "name status replicas degradation_tier open_alerts faults requests error_rate latency_p99_ms why"
    records(console, "Services", items, keys, "no service reported")


def replicas(console: Console, data: Row) -> None:
    bounds = f"{data['min']}..{data['max']}"
    line(console, f"{data['service']}: target {data['target']} replicas (running {data['running']}; bounds {bounds})")


def flags(console: Console, data: Mapping[str, Row]) -> None:
    items = [{**f, "flag": name, "state": "on" if f["enabled"] else "off"} for name, f in data.items()]
    keys = "flag service kind state critical changed_by changed_at reason"
    records(console, "Feature flags", items, keys, "no feature flag is registered")


def flag(console: Console, data: Row) -> None:
    line(console, f"{data['name']} is now {'on' if data['enabled'] else 'off'} (changed by {data['changed_by']})")


# -- alerts, timeline -----------------------------------------------------------------------

ALERT_KEYS = "id service metric detector severity state value threshold fired_at correlation_id"


def alerts(console: Console, data: Row) -> None:
    records(console, "Active alerts", data["active"], ALERT_KEYS, "no alert is firing or acknowledged")
    records(console, "Recently resolved", data["recent_resolved"], ALERT_KEYS, "no alert resolved yet")


def alert(console: Console, data: Row) -> None:
    line(console, f"{data['id']} ({data['service']} {data['metric']}, {data['severity']}) is now {data['state']}")


def timeline(console: Console, data: Row) -> None:
    items = [{**e, "details": brief(e["payload"])} for e in data["events"]]
    keys = "timestamp severity topic source correlation_id details"
    records(console, "Timeline (newest first)", items, keys, "no event matches these filters")
    line(console, f"showing {len(items)} of {data['matched']} matching events ({data['retained']} retained)", "dim")


def brief(payload: Row, width: int = 70) -> str:
    """The payload's scalar fields as ``k=v``, cut to ``width`` characters."""
    text = " ".join(f"{k}={v}" for k, v in payload.items() if isinstance(v, (str, int, float, bool)))
    return text if len(text) <= width else text[: width - 1] + "…"


# -- incidents, reviews, actions, runbooks --------------------------------------------------


def incidents(console: Console, active: Sequence[Row], reviewed: Sequence[Row]) -> None:
    items = [
        {
            **r,
            "elapsed/target": f"{r['elapsed_seconds']:.0f}/{r['target_seconds']:.0f} s",
            "runbook": f"{r['runbook'] or NONE} {r['steps_done']}/{r['steps_total']}",
        }
        for r in active
    ]
    keys = "incident_id service severity tier elapsed/target runbook correlation_id"
    records(console, "Open incidents (in recovery)", items, keys, "no incident is being recovered")
    keys = "incident_id service title time_to_detect time_to_resolve highest_tier review_id"
    records(console, "Resolved incidents", reviewed, keys, "no incident has been resolved and reviewed yet")


def reviews(console: Console, data: Row) -> None:
    items = [{**r, "actions": len(r["action_item_ids"])} for r in data["recent"]]
    keys = "review_id created_at service title fault_signature actions recurrence_of"
    records(console, f"Post-incident reviews ({data['total']} in all)", items, keys, "no review written yet")


def actions(console: Console, stats: Row, recent: Sequence[Row]) -> None:
    rate = stats["completion_rate_pct"]
    counts = f"{stats['total']} action items: {stats['open']} open, {stats['completed']} completed"
    completion = f"completion {NONE if rate is None else f'{rate:.0f}%'} (target {stats['completion_target_pct']:.0f}%)"
    velocity = f"velocity {stats['velocity']}/{stats['velocity_target']} in {stats['quarter']}"
    line(console, f"{counts}, {stats['overdue']} overdue; {completion}; {velocity}", "bold")
    items = [r for r in recent if r["action_item_ids"]]
    records(console, "Action items by review", items, "review_id service action_item_ids", "no review has action items")


def runbooks(console: Console, items: Sequence[Row]) -> None:
    rows = [{**r, "service": r["service"] or "any", "steps": len(r["steps"])} for r in items]
    records(console, "Runbooks", rows, "name tier service steps description", "no runbook is loaded")


# -- chaos ----------------------------------------------------------------------------------

FAULT_KEYS = "fault_id experiment service fault_type rate state started_at remaining_s end_reason"


def experiments(console: Console, data: Row) -> None:
    items = [{**e, "state": "running" if e["running"] else NONE} for e in data["experiments"]]
    keys = "name service fault_type rate duration_s state hypothesis"
    records(console, "Chaos experiments", items, keys, "no experiment is registered")


def faults(console: Console, title: str, items: Sequence[Row], empty: str) -> None:
    records(console, title, items, FAULT_KEYS, empty)


MARKS = {"passed": "+", "failed": "x", "pending": "."}  # one per expectation while observing


def run_progress(console: Console) -> Callable[[str, Mapping[str, Any]], None]:
    """The account of ``chaos run`` as the runner reports it (``chaos.runner_ports.Progress``):
    one line per phase; while observing, a line only when a verdict changes (``+`` held, ``x``
    failed, ``.`` pending); at the end the finished record (``run_result``)."""
    shown: list[str] = []

    def show(phase: str, info: Mapping[str, Any]) -> None:
        if phase == "experiment":
            line(console, f"experiment {info['name']} on {info['target']}", "bold")
        elif phase == "budget":
            left = info["remaining"]
            text = "no error budget tracks the target" if left is None else f"{percent(left)} of {info['slo']} left"
            line(console, f"  error budget: {text}")
        elif phase == "load_started":
            plan = info["plan"]
            warmup = seconds(plan.warmup_s)
            line(console, f"  load: {plan.rate_per_s:g} orders/s for {seconds(plan.duration_s)}, warm-up {warmup}")
        elif phase in ("steady_state", "steady_state_after"):
            check = info["check"]
            verdict, style = ("ok", "green") if check.ok else ("VIOLATED", "yellow")
            when_ = "before" if phase == "steady_state" else "after"
            line(console, f"  steady state {when_} the fault: {verdict} ({check.summary() or 'no probe'})", style)
        elif phase == "injected":
            fault = info["fault"]
            line(console, f"  injected fault {fault['fault_id']} (correlation {fault.get('correlation_id') or NONE})")
        elif phase == "observed":
            marks = "".join(MARKS.get(str(v.status), "?") for v in info["verdicts"])
            if shown != [marks]:
                shown[:] = [marks]
                line(console, f"  observing [{marks}]")
        elif phase == "rolled_back":
            line(console, f"  rolled back fault {info['fault_id']} at {when(info['at'])}")
        elif phase == "done":
            run_result(console, info["record"].to_dict())

    return show


def run_result(console: Console, data: Row) -> None:
    """A finished run (``RunRecord.to_dict()``): each expectation, the headline times, the verdict."""
    results = [{**e, "result": "PASS" if e["passed"] else "FAIL"} for e in data["expectations"]]
    records(console, f"Hypothesis of {data['experiment']}", results, "result expected measured detail", "none")
    times = (seconds(data[k]) for k in ("mttd_s", "time_to_mitigate_s", "mttr_s"))
    line(console, "MTTD {}, mitigated {}, MTTR {}".format(*times))
    failed = sum(1 for e in results if not e["passed"])
    if failed:
        text = f"verdict: FAILED: {failed} of {len(results)} expectations did not hold (run {data['id']})"
        line(console, text, "bold red")
    else:
        line(console, f"verdict: PASSED: all {len(results)} expectations held (run {data['id']})", "bold green")


# -- stack, load, seed ----------------------------------------------------------------------


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
