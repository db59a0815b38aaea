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
    keys = "name:1 status:1 replicas:3 degradation_tier:2 open_alerts:2 faults:3 requests:4 error_rate:2"
    keys += " latency_p99_ms:4 why:2"
    records(console, "Services", items, keys, "no service reported")


def replicas(console: Console, data: Row) -> None:
    bounds = f"{data['min']}..{data['max']}"
    line(console, f"{data['service']}: target {data['target']} replicas (running {data['running']}; bounds {bounds})")


def flags(console: Console, data: Mapping[str, Row]) -> None:
    items = [{**f, "flag": name, "state": "on" if f["enabled"] else "off"} for name, f in data.items()]
    keys = "flag:1 service:2 kind:3 state:1 critical:3 changed_by:3 changed_at:4 reason:2"
    records(console, "Feature flags", items, keys, "no feature flag is registered")


def flag(console: Console, data: Row) -> None:
    line(console, f"{data['name']} is now {'on' if data['enabled'] else 'off'} (changed by {data['changed_by']})")
