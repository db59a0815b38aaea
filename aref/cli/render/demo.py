"""``demo``: step headers, the resilience snapshot, the pillar deep-dive and the before/after comparison.

Takes the demo's own shapes (``aref.cli.demo``: a snapshot, a comparison) and the API's pillar
views; steps 4-9 are drawn by ``chaos.run_progress``, step 11 by ``lifecycle.timeline``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console

from aref.cli.render.basics import NONE, Row, line, records, seconds, table, when
from aref.cli.render.lifecycle import actions, incidents

NEWEST_ADAPTATIONS = 10


def step(console: Console, number: int, total: int, title: str, about: str) -> None:
    console.print()
    line(console, f"Step {number}/{total}  {title}", "bold cyan")
    line(console, about, "dim")


def preflight(console: Console, url: str, status: Row, services: Sequence[Row]) -> None:
    line(console, f"AREF {status['version']} answers at {url} (risk profile {status['risk_profile']})")
    counts: dict[str, int] = {}
    for service in services:
        counts[service["status"]] = counts.get(service["status"], 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in counts.items())
    line(console, f"{len(services)} services: {summary}", "green" if set(counts) == {"healthy"} else "yellow")
    for service in services:
        if service["status"] != "healthy":
            line(console, f"  {service['name']} is {service['status']}: {'; '.join(service['reasons']) or NONE}")
    chaos = status["chaos"]
    if chaos["active_faults"]:
        where = ", ".join(chaos["services"])
        line(console, f"{chaos['active_faults']} faults are already active ({where})", "yellow")


def ratio(value: float | None) -> str:
    return NONE if value is None else f"{value:.2%}"


def snapshot(console: Console, data: Row) -> None:
    """How resilient the system is now: CRS per risk profile, pillar levels, headline measures."""
    line(console, f"CRS {data['crs']:.2f} / 5 under the {data['risk_profile']} profile", "bold")
    profiles = [(name, f"{crs:.2f}") for name, crs in data["crs_by_profile"].items()]
    table(console, "CRS by risk profile", ("profile", "crs"), profiles, "no profiles")
    levels = [(name, f"L{p['level']}", p["label"]) for name, p in data["pillars"].items()]
    table(console, "Pillars", ("pillar", "level", "label"), levels, "no pillar reported")
    times = f"MTTD {seconds(data['mttd_s'])}, MTTR {seconds(data['mttr_s'])} ({data['incidents']} incidents measured)"
    fired = NONE if data["alerts_fired"] is None else data["alerts_fired"]
    alerts = f"alerts {data['open_alerts']} open, {fired} fired since start"
    line(console, f"{times}; availability {ratio(data['availability'])}; {alerts}")


# -- step 10: the pillar deep-dive ------------------------------------------------------------


def deep_dive(console: Console, views: Mapping[str, Row], run: Row) -> None:
    detection(console, views["detection"], run["alerts_per_detector"])
    absorption(console, views["absorption"])
    adaptation(console, views["adaptation"])
    recovery = views["recovery"]
    reviews = views["evolution"]["reviews"]["recent"]
    line(console, f"Recovery: {recovery['total_active']} active, {recovery['total_recovered']} recovered", "bold")
    incidents(console, recovery["active"], reviews)
    line(console, f"Evolution: {views['evolution']['reviews']['total']} post-incident reviews", "bold")
    actions(console, views["evolution"]["actions"], reviews)


def detection(console: Console, view: Row, in_run: Mapping[str, int]) -> None:
    counts: dict[str, list[int]] = {name: [0, 0] for name in view["detectors"]}
    for index, key in enumerate(("active_alerts", "recent_resolved")):
        for alert in view[key]:
            counts.setdefault(alert["detector"], [0, 0])[index] += 1
    rows = [(name, in_run.get(name, 0), active, resolved) for name, (active, resolved) in counts.items()]
    title = f"Detection: alerts by detector ({view['alert_counts'].get('fired_since_start', NONE)} fired since start)"
    table(console, title, ("detector", "in this run", "active", "recently resolved"), rows, "no detector")


def absorption(console: Console, view: Row) -> None:
    tripped = [
        {**b, "failure": f"{b['failure_rate']:.0%}"}
        for b in view["breakers"].values()
        if b["state"] != "closed" or b["transitions"]
    ]
    keys = "name state failure transitions opened_at total_rejected"
    records(console, "Absorption: circuit breakers that moved", tripped, keys, "every breaker stayed closed")
    tiers = [{**d, "since": when(d["since"])} for d in view["degradation"].values()]
    keys = "service tier since reason disabled_features"
    records(console, "Absorption: degradation tiers", tiers, keys, "no service is tracked")


def adaptation(console: Console, view: Row) -> None:
    totals = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in view["totals"].items())
    line(console, f"Adaptation: {totals}", "bold")
    logged = view["adaptations"]
    newest = [
        {**a, "at": when(a["at"]), "actions": "; ".join(a["actions"])} for a in reversed(logged[-NEWEST_ADAPTATIONS:])
    ]
    title = f"Adaptation actions (newest {len(newest)} of {len(logged)})"
    records(console, title, newest, "at service strategy anomaly_class actions correlation_id", "no adaptation yet")
    off = sorted(name for name, f in view["flags"].items() if not f["enabled"])
    line(console, f"flags off: {', '.join(off) or 'none'}")
    scaling: Mapping[str, Any] = view.get("scaling", {})
    rows = [
        (name, f"{r['running']}/{r['target']}", (scaling.get(name) or {}).get("reason", NONE))
        for name, r in view["replicas"].items()
    ]
    table(console, "Adaptation: replicas", ("service", "running/target", "autoscaler"), rows, "no service")


# -- step 12: before and after ----------------------------------------------------------------


def measure(unit: str, value: Any) -> str:
    if value is None:
        return NONE
    formats = {"crs": f"{value:.2f}", "level": f"L{value}", "s": seconds(value), "ratio": ratio(value)}
    return formats.get(unit, str(value))


def change(unit: str, value: Any) -> str:
    if value is None:
        return NONE
    if unit == "ratio":
        return f"{value * 100:+.2f} pp"
    formats = {"crs": f"{value:+.2f}", "s": f"{value:+.1f} s"}
    return formats.get(unit, f"{value:+d}" if isinstance(value, int) else f"{value:+g}")


def comparison(console: Console, data: Row) -> None:
    rows = [
        (m["measure"], measure(m["unit"], m["before"]), measure(m["unit"], m["after"]), change(m["unit"], m["change"]))
        for m in data["measures"]
    ]
    table(console, "Before and after", ("measure", "before", "after", "change"), rows, "nothing to compare")
    verdict = data["hypothesis"]
    failed = verdict["failed"]
    if failed:
        text = f"hypothesis FAILED: {len(failed)} of {verdict['expectations']} expectations did not hold"
        line(console, f"{text} ({'; '.join(failed)}); run {verdict['run_id']}", "bold red")
    else:
        text = f"hypothesis PASSED: all {verdict['expectations']} expectations held; run {verdict['run_id']}"
        line(console, text, "bold green")
