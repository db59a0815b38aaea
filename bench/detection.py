"""Bench: how fast AREF detects, mitigates and recovers, per seed experiment, run N times.

Each experiment file of ``chaos/experiments`` runs through the CLI as a user runs it
(``aref chaos run NAME --json --force --time-scale S``) on a running stack; the run record
gives the measured MTTD (injection -> first alert on the target), time to mitigate (-> first
absorption or adaptation event about it) and MTTR (-> steady state back). The bench reports their
median and p90 per experiment next to the tick and the seed blueprint's targets (MTTD 300 s,
MTTR 900 s), and the median MTTD over the error-fault experiments against the 3 s target.
``--force`` because back-to-back runs spend the targets' error budgets (the gate would refuse).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, percentile, running_stack, write_result
from chaos.schema import load_experiment
from tests.stack import TEST_SETTINGS

EXPERIMENTS = tuple(sorted(p.stem for p in (REPO / "chaos" / "experiments").glob("*.yaml")))
SEED_MTTD_S, SEED_MTTR_S, ERROR_MTTD_S = 300.0, 900.0, 3.0
TIME_SCALE = 0.2
TICK_S = "1.0"
STACK_ENV = {**TEST_SETTINGS, "AREF_TICK_SECONDS": TICK_S, "AREF_DETECTION_BURN_RATE_WINDOW_SCALE": "0.01"}
"""The tests' short windows for runs at time scale 0.2 (a breaker waits 6 s, not 30 s), at the default 1 s tick;
burn windows scaled by 0.01, not the tests' 0.005: their shortest (5 min) must span two ticks."""


def run_experiment(name: str, time_scale: float) -> dict[str, Any]:
    """One ``aref chaos run``; its verdict and measured times (None where the run measured none)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "aref.cli", "chaos", "run", name, "--json", "--force", "--time-scale", str(time_scale)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    seconds = round(time.monotonic() - started, 1)
    try:
        record = json.loads(done.stdout)
    except ValueError:
        return {"experiment": name, "returncode": done.returncode, "seconds": seconds, "error": done.stderr[-800:]}
    return {
        "experiment": name,
        "returncode": done.returncode,
        "seconds": seconds,
        "fault_type": record["fault"]["fault_type"],
        "passed": record["passed"],
        "mttd_s": record["mttd_s"],
        "time_to_mitigate_s": record["time_to_mitigate_s"],
        "mitigation": record["mitigation"],
        "mttr_s": record["mttr_s"],
        "failed_expectations": [f"{e['expected']}: {e['detail']}" for e in record["expectations"] if not e["passed"]],
    }


def measure(repeat: int = 1, time_scale: float = TIME_SCALE, names: tuple[str, ...] = EXPERIMENTS) -> dict[str, Any]:
    """Every experiment in ``names`` ``repeat`` times (the files in turn, then again)."""
    for name in names:
        load_experiment(REPO / "chaos" / "experiments" / f"{name}.yaml")  # a broken file fails before any run
    runs: list[dict[str, Any]] = []
    for round_no in range(1, repeat + 1):
        for name in names:
            run = run_experiment(name, time_scale)
            run["round"] = round_no
            runs.append(run)
            print(f"  {name} #{round_no}: {_line(run)}", file=sys.stderr, flush=True)
    per_experiment = {name: _stats([r for r in runs if r["experiment"] == name]) for name in names}
    error_mttds = [r["mttd_s"] for r in runs if r.get("fault_type") == "error" and r.get("mttd_s") is not None]
    return {
        "time_scale": time_scale,
        "tick_seconds": float(TICK_S),
        "repeat": repeat,
        "targets": {"seed_mttd_s": SEED_MTTD_S, "seed_mttr_s": SEED_MTTR_S, "error_fault_mttd_median_s": ERROR_MTTD_S},
        "runs": runs,
        "per_experiment": per_experiment,
        "error_fault_mttd_median_s": round(statistics.median(error_mttds), 2) if error_mttds else None,
    }


def _stats(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": len(runs), "held": sum(1 for r in runs if r.get("passed"))}
    for key in ("mttd_s", "time_to_mitigate_s", "mttr_s"):
        values = [float(r[key]) for r in runs if r.get(key) is not None]
        out[key] = {
            "median": round(statistics.median(values), 2) if values else None,
            "p90": None if not values else round(float(percentile(values, 0.9) or 0.0), 2),
            "measured": len(values),
        }
    return out


def _line(run: dict[str, Any]) -> str:
    if "error" in run:
        return f"no record (exit {run['returncode']}): {run['error'][-200:]}"
    verdict = "held" if run["passed"] else "FAILED"
    return (
        f"{verdict}, MTTD {run['mttd_s']} s, mitigated {run['time_to_mitigate_s']} s, MTTR {run['mttr_s']} s "
        f"({run['seconds']} s)"
    )


def rows(result: dict[str, Any]) -> list[Row]:
    command = f"python -m bench.detection --repeat {result['repeat']} --time-scale {result['time_scale']:g}"
    median = result["error_fault_mttd_median_s"]
    out = [
        Row(
            "detection",
            "MTTD median over error-fault experiments",
            median,
            "s",
            f"<= {ERROR_MTTD_S:g} (1 s tick)",
            None if median is None else median <= ERROR_MTTD_S,
            command,
        )
    ]
    for name, stats in result["per_experiment"].items():
        mttd, mttr = stats["mttd_s"]["median"], stats["mttr_s"]["median"]
        out.append(
            Row(
                "detection",
                f"{name}: MTTD median (held {stats['held']}/{stats['runs']})",
                mttd,
                "s",
                f"<= {SEED_MTTD_S:g} (seed)",
                None if mttd is None else mttd <= SEED_MTTD_S,
                command,
            )
        )
        out.append(
            Row(
                "detection",
                f"{name}: MTTR median",
                mttr,
                "s",
                f"<= {SEED_MTTR_S:g} (seed)",
                None if mttr is None else mttr <= SEED_MTTR_S,
                command,
            )
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each experiment")
    parser.add_argument("--time-scale", type=float, default=TIME_SCALE, help="aref chaos run --time-scale")
    parser.add_argument("--only", nargs="*", choices=EXPERIMENTS, help="these experiments only")
    args = parser.parse_args()
    if args.repeat < 1 or not 0 < args.time_scale <= 1:
        print("--repeat must be >= 1 and --time-scale in (0, 1]", file=sys.stderr)
        return 2
    with running_stack("detection", **STACK_ENV):
        result = measure(args.repeat, args.time_scale, tuple(args.only or EXPERIMENTS))
    out = write_result("detection", result)
    print(
        f"detection: error-fault MTTD median {result['error_fault_mttd_median_s']} s over "
        f"{len(result['runs'])} runs; written {Path(out).relative_to(REPO)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
