"""``aref load start | status | stop`` on the running stack: the loadgen actor sends real orders."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.helpers import api
from tests.stack import Stack, wait_for


def aref(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aref.cli", "load", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=stack.env)


@pytest.fixture
def load_stopped(stack: Stack) -> Iterator[Stack]:
    yield stack
    api("POST", "/api/aref/load/stop")


def test_a_background_load_sends_orders_until_it_is_stopped(load_stopped: Stack) -> None:
    started = aref(load_stopped, "start", "--rate", "5", "--duration", "60", "--json")
    assert started.returncode == 0, started.stderr
    view = json.loads(started.stdout)
    assert view["running"] is True
    assert view["target"].endswith("/gateway/api/orders")

    def status() -> dict[str, Any]:
        reply: dict[str, Any] = api("GET", "/api/aref/load").json()
        return reply

    wait_for(lambda: status()["stats"]["by_status"].get("201", 0) >= 10, timeout=30, what="ten orders created")
    again = aref(load_stopped, "start", "--rate", "5", "--duration", "60")
    assert again.returncode == 2
    assert "already running" in again.stderr

    stopped = aref(load_stopped, "stop", "--json")
    assert stopped.returncode == 0, stopped.stderr
    final = json.loads(stopped.stdout)
    assert final["running"] is False
    assert final["stats"]["requests"] >= 10
    sent = final["sent"]
    assert status()["sent"] == sent  # nothing more goes out once stopped
    assert aref(load_stopped, "stop").returncode == 0  # stopping an idle load is not an error
