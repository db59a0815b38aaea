"""``services``, ``scale`` and ``flags``: the services' health and replicas, and the feature flags."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console

from aref.cli.render.basics import Row, line, records


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
