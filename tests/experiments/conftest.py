"""The experiment suite's fixtures: a steady shop to start from, and each experiment file run once
per session through ``aref chaos run``, unforced, at ``TIME_SCALE`` (the matrix asserts every run
held its hypothesis; other tests read the same run for what they check, e.g. that payments failed
over)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from chaos.schema import load_experiment
from tests.integration.helpers import ORDER, api
from tests.stack import Stack, wait_for

TIME_SCALE = 0.5
"""The seed's experiments must hold at half their durations or slower (the suite's claim)."""
SHORT_SCALE = 0.2
"""For runs whose test is about the live view or the rollback, not the hypothesis."""
FAST_MS = 1000.0  # the experiments' own p99 bound


def aref(*args: str) -> list[str]:
    return [sys.executable, "-m", "aref.cli", *args]


def steady(stack: Stack) -> None:
    """Five good orders in a row, then (for at most a minute) five fast ones: start from a steady state.

    The shop must answer; its latency on this two-core machine after the last experiment is
    waited for, not required here: the runner checks the steady state itself and refuses a run
    that does not start from one (no ``--force``).
    """
    streak: list[bool] = []
    fast: list[bool] = []

    def five_in_a_row() -> bool:
        sent = time.monotonic()
        ok = api("POST", "/gateway/api/orders", json=ORDER).status_code == 201
        streak.append(ok)
        fast.append(ok and (time.monotonic() - sent) * 1000 < FAST_MS)
        return streak[-5:] == [True] * 5

    wait_for(five_in_a_row, timeout=120, what="five successful orders in a row", interval=0.2)
    with contextlib.suppress(TimeoutError):
        wait_for(lambda: five_in_a_row() and fast[-5:] == [True] * 5, timeout=60, what="five fast orders", interval=0.2)


@pytest.fixture
def steady_shop(stack: Stack) -> Stack:
    steady(stack)
    return stack


def skipped_work() -> dict[str, dict[str, int]]:
    """Work each replica counted as skipped (by a flag or a tier), by ``service/replica_id`` and reason.
    Per replica: a replica Serve removes takes its counts with it, so a sum over replicas can fall."""
    return {
        f"{replica['service']}/{replica['replica_id']}": {k: int(v) for k, v in replica["skipped"].items()}
        for replica in api("GET", "/api/aref/controls/applied").json()["replicas"]
    }


def provider_successes() -> dict[str, int]:
    """Payments each provider captured, as the payments replicas count them."""
    return {p["name"]: p["successes"] for p in api("GET", "/payments/providers/health").json()["providers"]}


@dataclass(frozen=True)
class ExperimentRun:
    """One ``aref chaos run --json --junit`` of an experiment file, with the payment providers'
    counters and the replicas' skipped work read just before and just after it."""

    returncode: int
    stdout: str
    stderr: str
    junit: Path
    providers_before: dict[str, int]
    providers_after: dict[str, int]
    skipped_before: dict[str, dict[str, int]]
    skipped_after: dict[str, dict[str, int]]

    @property
    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = json.loads(self.stdout)
        return record


@contextlib.contextmanager
def low_priority_mail() -> Iterator[None]:
    """Low-priority notifications (the shop's marketing mail), about two a second, beside the
    orders: the work notifications' flags switch off, so the replicas have something to skip."""
    stop = threading.Event()
    body = {"channel": "email", "recipient": "news@example.com", "message": "offer", "priority": "low"}

    def send() -> None:
        while not stop.wait(0.5):
            with contextlib.suppress(httpx.HTTPError):
                api("POST", "/notifications/send", json=body)

    worker = threading.Thread(target=send, daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=35)


BESIDE: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {"notification_overload": low_priority_mail}
"""Traffic besides the orders while an experiment runs, by experiment."""


class ExperimentRuns:
    """Each experiment file runs once, from a steady shop, the first time a test asks for it."""

    def __init__(self, stack: Stack, directory: Path) -> None:
        self._stack = stack
        self._directory = directory
        self._runs: dict[Path, ExperimentRun] = {}

    def __call__(self, path: Path) -> ExperimentRun:
        if path not in self._runs:
            self._runs[path] = self._run(path)
        return self._runs[path]

    def _run(self, path: Path) -> ExperimentRun:
        experiment = load_experiment(path)
        steady(self._stack)
        junit = self._directory / f"{path.stem}.xml"
        budget = (experiment.observe_s + experiment.traffic.warmup_s) * TIME_SCALE + 180
        before, skipped = provider_successes(), skipped_work()
        command = aref("chaos", "run", str(path), "--json", "--junit", str(junit), "--time-scale", str(TIME_SCALE))
        with BESIDE.get(path.stem, contextlib.nullcontext)():
            done = subprocess.run(
                command,  # never forced: the budget gate and the steady state check hold for the suite too
                capture_output=True,
                text=True,
                timeout=budget,
                env=self._stack.env,
            )
        after = provider_successes(), skipped_work()
        return ExperimentRun(done.returncode, done.stdout, done.stderr, junit, before, after[0], skipped, after[1])


@pytest.fixture(scope="session")
def experiment_runs(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> ExperimentRuns:
    return ExperimentRuns(stack, tmp_path_factory.mktemp("experiment-runs"))
