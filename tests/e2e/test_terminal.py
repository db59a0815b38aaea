"""``aref watch`` in a real terminal (a tmux pane) against the running stack: it draws, it follows
the cluster live, its keys switch panels, and ``q`` quits with 0."""

from __future__ import annotations

import sys

from tests.integration.helpers import api
from tests.stack import HTTP, Stack
from tests.terminal import terminal


def test_aref_watch_follows_the_cluster_live_and_quits_on_q(stack: Stack) -> None:
    command = [sys.executable, "-m", "aref.cli", "--url", HTTP, "watch", "--interval", "1"]
    with terminal(command, stack.env, width=120, height=45) as term:
        first = term.until(lambda s: "gateway" in s and "notifications" in s, 60, "the services")
        fault = api(
            "POST",
            "/api/aref/chaos/start",
            json={"service": "inventory", "fault_type": "latency", "rate": 0.1, "duration_s": 60, "label": "watch-e2e"},
        ).json()
        try:
            live = term.until(lambda s: fault["fault_id"][-8:] in s, 30, f"the new fault {fault['fault_id']}")
        finally:
            api("POST", f"/api/aref/chaos/stop/{fault['fault_id']}")
        assert live != first
        term.save("aref-watch.txt", live)
        term.keys("2")
        term.until(lambda s: "running/target" in s, 15, "the services panel in focus, with each replica")
        term.keys("q")
        term.until(lambda s: "EXITED=" in s, 15, "aref watch to exit")
        assert term.exit_status() == 0
