"""Bench piece of ``bench/reaction.py``: a pillar actor killed, until a new process answers with its state."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from actors.client import unwrap


def pillar_state(name: str, status: dict[str, Any]) -> dict[str, int]:
    """The counts an actor holds that a restart must not lose (each only grows while the bench runs)."""
    if name == "evolution":
        return {
            "reviews": int(status["reviews"]["total"]),
            "action_items": int(status["actions"]["total"]),
            "knowledge_entries": int(status["knowledge_base"]["entries"]),
        }
    if name == "detection":
        counts = status["alert_counts"]
        return {"open_alerts": int(counts["open"]), "recent_resolved": len(status["recent_resolved"])}
    return {"events": int(status["total"])}


async def _get(ref: Any) -> Any:
    return await ref


async def restart_once(name: str) -> dict[str, Any]:
    """``ray.kill(no_restart=False)`` on a pillar actor: until a new process answers ``status``."""
    import ray

    handle: Any = ray.get_actor(name, namespace="aref")
    old = await handle.host_info.remote()
    before = pillar_state(name, unwrap(await handle.status.remote()))
    started = time.monotonic()
    ray.kill(handle, no_restart=False)
    old_answers, old_last_s, failures, first_failure_s = 0, None, 0, None
    while True:
        if time.monotonic() - started > 60:
            raise TimeoutError(f"{name} did not answer again within 60 s")
        try:
            info = await asyncio.wait_for(_get(handle.host_info.remote()), 5)
            if info["pid"] != old["pid"]:
                status = unwrap(await asyncio.wait_for(_get(handle.status.remote()), 5))
                break
            old_answers, old_last_s = old_answers + 1, round(time.monotonic() - started, 3)
        except Exception:  # died in flight, restarting, or not yet answering
            failures += 1
            first_failure_s = first_failure_s or round(time.monotonic() - started, 3)
        await asyncio.sleep(0.02)
    answered_s = round(time.monotonic() - started, 3)
    after = pillar_state(name, status)
    return {
        "actor": name,
        "answered_s": answered_s,
        "old_pid": old["pid"],
        "new_pid": info["pid"],
        "restarted_flag": info["restarted"],
        "new_uptime_s": info["uptime_s"],
        "old_pid_answers_after_kill": old_answers,
        "old_pid_last_answer_s": old_last_s,
        "calls_failed_meanwhile": failures,
        "first_failure_s": first_failure_s,
        "state_before": before,
        "state_after": after,
        "state_kept": all(after[k] >= v for k, v in before.items()),
    }
