"""The experiment suite's fixtures: a steady shop to start from, and each experiment file run once
per session through ``aref chaos run`` (the matrix judges every run, other tests read the same run
for what they check, e.g. that payments failed over)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chaos.schema import load_experiment
from tests.integration.helpers import ORDER, api
from tests.stack import Stack, wait_for

TIME_SCALE = 0.2
FAST_MS = 1000.0  # the experiments' own p99 bound


def aref(*args: str) -> list[str]:
    return [sys.executable, "-m", "aref.cli", *args]


def steady(stack: Stack) -> None:
    """Five good orders in a row, then (for at most a minute) five fast ones: start from a steady state.

    The shop must answer; its latency on this two-core machine after the last experiment is
    waited for, not required: the runs are forced (``--force``), and the record says so.
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


def provider_successes() -> dict[str, int]:
    """Payments each provider captured, as the payments replicas count them."""
    return {p["name"]: p["successes"] for p in api("GET", "/payments/providers/health").json()["providers"]}


@dataclass(frozen=True)
class ExperimentRun:
    """One ``aref chaos run --json --junit`` of an experiment file, with the payment providers'
    counters read just before and just after it."""

    returncode: int
    stdout: str
    stderr: str
    junit: Path
    providers_before: dict[str, int]
    providers_after: dict[str, int]

    @property
    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = json.loads(self.stdout)
        return record


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
        before = provider_successes()
        command = aref("chaos", "run", str(path), "--json", "--junit", str(junit), "--time-scale", str(TIME_SCALE))
        done = subprocess.run(
            [*command, "--force"],  # a verdict even when the slow machine breaks the steady state first
            capture_output=True,
            text=True,
            timeout=budget,
            env=self._stack.env,
        )
        return ExperimentRun(done.returncode, done.stdout, done.stderr, junit, before, provider_successes())


@pytest.fixture(scope="session")
def experiment_runs(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> ExperimentRuns:
    return ExperimentRuns(stack, tmp_path_factory.mktemp("experiment-runs"))
