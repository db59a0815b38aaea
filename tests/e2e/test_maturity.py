"""A failed experiment never raises the CRS or any pillar level (through the running stack).

An experiment whose hypothesis cannot hold (80 % errors on payments, yet an order error rate
below 0 %) runs through ``aref chaos run`` at a tenth of its time; once its run record is
stored, maturity is read again: no pillar level and no CRS is higher than before, and the
failed run is no chaos credit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.integration.helpers import api
from tests.stack import HTTP, Stack

IMPOSSIBLE = """\
name: impossible_payments
description: 80% of payment requests fail, yet detection within 1 ms is claimed.
target: payments
fault:
  type: error
  rate: 0.8
  duration_s: 60
traffic:
  profile: steady
  rate_per_s: 5
  warmup_s: 10
  duration_s: 150
steady_state:
  - name: order pipeline error rate
    metric: error_rate
    max: 1.0
hypothesis:
  - detected_within_s: 0.001
  - error_rate_below: 0.001
observe_s: 100
"""


def maturity() -> dict[str, Any]:
    return api("GET", "/api/aref/maturity").json()


def levels(view: dict[str, Any]) -> dict[str, int]:
    return {pillar: p["level"] for pillar, p in view["pillars"].items()}


def held(view: dict[str, Any]) -> dict[str, list[Any]]:
    """Every criterion that holds, with its evidence."""
    return {c["id"]: c["evidence"] for p in view["pillars"].values() for c in p["criteria"] if c["holds"]}


def settled() -> dict[str, Any]:
    """Maturity once the fresh stack's own evidence is in (the prober's first rounds, replica
    reports): two readings 10 s apart with the same criteria holding."""
    first = maturity()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(10)
        second = maturity()
        if set(held(second)) == set(held(first)):
            return second
        first = second
    raise AssertionError("maturity did not settle on the idle stack within 120 s")


def test_a_failed_experiment_raises_no_level_and_no_crs(stack: Stack, tmp_path: Path) -> None:
    before = settled()
    path = tmp_path / "impossible.yaml"
    path.write_text(IMPOSSIBLE)
    command = [sys.executable, "-m", "aref.cli", "--url", HTTP, "chaos", "run", str(path)]
    done = subprocess.run(
        [*command, "--json", "--time-scale", "0.1", "--force", "--stand-down-wait", "0"],  # its verdict is known
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    record = json.loads(done.stdout)
    assert record["passed"] is False, done.stderr[-2000:]
    stored = {r["id"] for r in api("GET", "/api/aref/chaos/runs").json()["runs"]}
    assert record["id"] in stored
    after = maturity()
    gained = {c: e for c, e in held(after).items() if c not in held(before)}
    assert after["crs"] <= before["crs"], f"levels {levels(before)} -> {levels(after)}; newly held: {gained}"
    for pillar, view in after["pillars"].items():
        assert view["level"] <= before["pillars"][pillar]["level"], pillar
    chaos = next(c for c in after["pillars"]["absorption"]["criteria"] if c["id"] == "absorption.chaos_verified")
    assert record["id"] not in [e["ref"] for e in chaos["evidence"]]
