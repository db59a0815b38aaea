"""Bench: every question in one run (under 20 minutes on 2 cores); one JSON file and docs/benchmarks.md.

Order: an empty Serve app's idle cost (the floor AREF is compared with); then one AREF stack
(the tests' short windows at the default 1 s tick): its start-up and idle cost, the request path
(a, automatic scaling switched off) against the bare chain, the reactions (scaling, crash, pillar
actor, fault propagation, events) and every seed experiment once; then a second stack with
``AREF_BARE_DATA_PLANE=1`` for the request path's variant (b). The 10-minute history run
(``bench/decay.py``) is not repeated here: the table quotes its newest result, with its date.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import decay, detection, footprint, reaction, request_path
from bench.autoscaler import set_autoscale
from bench.common import REPO, Row, machine, running_stack, write_result

DOC = REPO / "docs" / "benchmarks.md"


def timed(what: str, step: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.monotonic()
    print(f"== {what}", file=sys.stderr, flush=True)
    result = step()
    result["bench_seconds"] = round(time.monotonic() - started, 1)
    print(f"   {what}: {result['bench_seconds']} s", file=sys.stderr, flush=True)
    return result


def run(idle_seconds: float, duration: str, repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    results["empty_serve"] = timed("an empty Serve app at idle", lambda: footprint.measure_empty_serve(idle_seconds))
    with running_stack("all", **detection.STACK_ENV) as (_, startup_s):
        results["footprint"] = timed(
            "AREF at idle", lambda: footprint.measure(startup_s, idle_seconds, empty=results["empty_serve"])
        )
        asyncio.run(set_autoscale(False))
        results["path_a"] = timed("request path (a)", lambda: request_path.measure_variant(duration))
        results["reaction"] = timed("reactions", lambda: reaction.measure(repeat))
        results["detection"] = timed("seed experiments", lambda: detection.measure(1))
    with running_stack("all-bare", **request_path.ONE_REPLICA, AREF_BARE_DATA_PLANE="1"):
        b = timed("request path (b)", lambda: request_path.measure_variant(duration))
    a = results.pop("path_a")
    results["request_path"] = {"duration": duration, "a": a, "b": b, "compare": request_path.compare(a, b)}
    return results


def table(rows: list[Row]) -> str:
    lines = ["| question | metric | value | target | met | command |", "|---|---|---|---|---|---|"]
    for r in rows:
        value = "n/a" if r.value is None else f"{r.value:g} {r.unit}".strip()
        met = {True: "yes", False: "**no**", None: "n/a"}[r.met]
        lines.append(f"| {r.question} | {r.metric} | {value} | {r.target} | {met} | `{r.command}` |")
    return "\n".join(lines)


def write_doc(rows: list[Row], report: dict[str, Any], out: Path) -> None:
    m = machine()
    decay_note = report.get("decay_date") or "not run yet"
    text = f"""# Benchmarks

Measured by `flock /tmp/aref-stack.lock python -m bench.run_all` on {report["date"]}: {m["cores"]} cores,
{m["memory_gib"]} GiB, Ray {m["ray"]}, Python {m["python"]}; the whole run took {report["seconds"]:.0f} s.
Raw numbers: `{out.relative_to(REPO)}`. The history row comes from `python -m bench.decay` ({decay_note}).
Every command runs under `flock /tmp/aref-stack.lock` from the repository root with the venv active.
The benches and what each measures are described in `bench/README.md`.

{table(rows)}
"""
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--duration", default=request_path.DURATION, help="hey -z per request-path run")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of each reaction")
    args = parser.parse_args()
    if shutil.which("hey") is None:
        print("hey is not installed: apt-get install -y hey (Debian package) and run again", file=sys.stderr)
        return 2
    started = time.monotonic()
    results = run(args.idle_seconds, args.duration, args.repeat)
    newest_decay = decay.newest()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "seconds": round(time.monotonic() - started, 1),
        **results,
        "decay": newest_decay,
        "decay_date": newest_decay["date"] if newest_decay else None,
    }
    rows = [
        *footprint.rows(results["footprint"]),
        *request_path.rows(results["request_path"]),
        *reaction.rows(results["reaction"]),
        *detection.rows(results["detection"]),
        *(decay.rows(newest_decay) if newest_decay else []),
    ]
    report["table"] = [r.as_dict() for r in rows]
    out = write_result("run-all", report)
    write_doc(rows, report, out)
    missed = [r.metric for r in rows if r.met is False]
    print(
        f"run_all: {len(rows)} rows in {report['seconds']:.0f} s, {len(missed)} targets missed; "
        f"written {out.relative_to(REPO)} and {DOC.relative_to(REPO)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
