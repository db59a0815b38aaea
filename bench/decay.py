"""Bench: does an order cost more as history grows? Ten minutes of orders at fixed concurrency.

On one fresh stack (``AREF_ADAPTATION_MAX_REPLICAS=1``, so replicas stay as they are) it runs
``hey -z 60s -c 8`` on the order pipeline ten times back to back and reports each minute's good
orders per second, p50 and p99. The criterion: the last minute's good orders/s within 10 % of the
first's. Not part of ``bench/run_all`` (it alone takes 11 minutes); run_all quotes its newest result.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from typing import Any

from bench.autoscaler import CONCURRENCY, hey
from bench.common import REPO, RESULTS, Row, running_stack, write_result
from tests.stack import HTTP

MINUTES, BAND = 10, 0.10


def measure(minutes: int = MINUTES) -> dict[str, Any]:
    per_minute = []
    for minute in range(1, minutes + 1):
        run = hey(f"{HTTP}/gateway/api/orders", "60s")
        per_minute.append({"minute": minute, **run})
        line = f"  minute {minute}: {run['good_rps']} good orders/s, p99 {run['p99_ms']} ms"
        print(line, file=sys.stderr, flush=True)
    first, last = per_minute[0]["good_rps"], per_minute[-1]["good_rps"]
    ratio = None if not first or last is None else round(last / first, 3)
    return {
        "minutes": minutes,
        "concurrency": CONCURRENCY,
        "per_minute": per_minute,
        "last_over_first": ratio,
        "holds": ratio is not None and ratio >= 1 - BAND,
    }


def rows(result: dict[str, Any]) -> list[Row]:
    return [
        Row(
            "history",
            f"good orders/s, minute {result['minutes']} / minute 1",
            result["last_over_first"],
            "ratio",
            f">= {1 - BAND:g}",
            result["holds"],
            "python -m bench.decay",
        )
    ]


def newest() -> dict[str, Any] | None:
    """The newest decay result on disk, for run_all's table."""
    found = sorted(RESULTS.glob("decay-*.json"))
    return dict(json.loads(found[-1].read_text())) if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minutes", type=int, default=MINUTES)
    args = parser.parse_args()
    if args.minutes < 2:
        print("--minutes must be >= 2", file=sys.stderr)
        return 2
    if shutil.which("hey") is None:
        print("hey is not installed: apt-get install -y hey (Debian package) and run again", file=sys.stderr)
        return 2
    started = time.monotonic()
    with running_stack("decay", AREF_ADAPTATION_MAX_REPLICAS="1"):
        time.sleep(10)  # the actors' first ticks
        result = measure(args.minutes)
    result["seconds"] = round(time.monotonic() - started, 1)
    out = write_result("decay", result)
    rates = " ".join(str(m["good_rps"]) for m in result["per_minute"])
    print(
        f"decay: good orders/s per minute {rates}; last/first {result['last_over_first']} "
        f"(holds: {result['holds']}); written {out.relative_to(REPO)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
