"""``alerts``, ``timeline``, ``incidents``, ``reviews``, ``actions``, ``runbooks`` and one recovery run."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from aref.cli.render.basics import NONE, Row, line, records

ALERT_KEYS = "id:1 service:1 metric:2 detector:3 severity:1 state:1 value:3 threshold:3 fired_at:2 correlation_id:4"


def alerts(console: Console, data: Row) -> None:
    records(console, "Active alerts", data["active"], ALERT_KEYS, "no alert is firing or acknowledged")
    records(console, "Recently resolved", data["recent_resolved"], ALERT_KEYS, "no alert resolved yet")


def alert(console: Console, data: Row) -> None:
    line(console, f"{data['id']} ({data['service']} {data['metric']}, {data['severity']}) is now {data['state']}")


def timeline(console: Console, data: Row) -> None:
    items = [{**e, "details": brief(e["payload"])} for e in data["events"]]
    keys = "timestamp:1 severity:1 topic:1 source:3 correlation_id:3 details:2"
    records(console, "Timeline (newest first)", items, keys, "no event matches these filters")
    line(console, f"showing {len(items)} of {data['matched']} matching events ({data['retained']} retained)", "dim")


def brief(payload: Row) -> str:
    """The payload's scalar fields as ``k=v``, whole (the table wraps them)."""
    return " ".join(f"{k}={v}" for k, v in payload.items() if isinstance(v, (str, int, float, bool)))


# -- incidents, reviews, actions, runbooks --------------------------------------------------


def incidents(console: Console, active: Sequence[Row], reviewed: Sequence[Row]) -> None:
    items = [
        {
            **r,
            "elapsed_of_target": f"{r['elapsed_seconds']:.0f}/{r['target_seconds']:.0f} s",
            "runbook": f"{r['runbook'] or NONE} {r['steps_done']}/{r['steps_total']}",
        }
        for r in active
    ]
    keys = "incident_id:1 service:1 severity:1 tier:2 elapsed_of_target:2 runbook:3 correlation_id:4"
    records(console, "Open incidents (in recovery)", items, keys, "no incident is being recovered")
    keys = "incident_id:1 service:1 title:2 time_to_detect:2 time_to_resolve:2 highest_tier:3 review_id:3"
    records(console, "Resolved incidents", reviewed, keys, "no incident has been resolved and reviewed yet")


def reviews(console: Console, data: Row) -> None:
    items = [{**r, "actions": len(r["action_item_ids"])} for r in data["recent"]]
    keys = "review_id:1 created_at:3 service:1 title:2 fault_signature:3 actions:2 recurrence_of:4"
    records(console, f"Post-incident reviews ({data['total']} in all)", items, keys, "no review written yet")


def actions(console: Console, stats: Row, recent: Sequence[Row]) -> None:
    rate = stats["completion_rate_pct"]
    counts = f"{stats['total']} action items: {stats['open']} open, {stats['completed']} completed"
    completion = f"completion {NONE if rate is None else f'{rate:.0f}%'} (target {stats['completion_target_pct']:.0f}%)"
    velocity = f"velocity {stats['velocity']}/{stats['velocity_target']} in {stats['quarter']}"
    line(console, f"{counts}, {stats['overdue']} overdue; {completion}; {velocity}", "bold")
    items = [r for r in recent if r["action_item_ids"]]
    keys = "review_id:1 service:1 action_item_ids:2"
    records(console, "Action items by review", items, keys, "no review has action items")


def runbooks(console: Console, items: Sequence[Row]) -> None:
    rows = [{**r, "service": r["service"] or "any", "steps": len(r["steps"])} for r in items]
    records(console, "Runbooks", rows, "name:1 tier:1 service:2 steps:3 description:2", "no runbook is loaded")


def recovery_run(console: Console, data: Row) -> None:
    """One recovery: its id and mode, then where each runbook run stands."""
    kind = f"drill of {data['service']}" if data.get("trigger") == "drill" else f"recovery of {data['service']}"
    line(console, f"{data['recovery_id']}: {kind} ({data['mode']}), {data['status']} at {data['tier']}", "bold")
    line(console, f"  incident {data['incident_id']}, correlation {data['correlation_id']}")
    for run in data["runs"]:
        done = sum(1 for s in run["steps"] if s["outcome"] not in ("not_started", "running", "waiting_approval"))
        line(console, f"  {run['tier']} {run['runbook']}: {run['status']}, {done}/{len(run['steps'])} steps finished")
    if data.get("current_step"):
        line(console, f"  now: {data['current_step']} ({data['current_outcome']})")
