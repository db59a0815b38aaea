"""Bench: where an idle AREF stack spends its CPU, by py-spy on the busiest processes.

Starts the stack as the tests do, lets it settle, measures every Ray process's CPU for ``--seconds``
(``bench.common.cpu_and_pss``), then samples the ``--top`` busiest processes with ``py-spy record``
(idle threads left out, ``--seconds`` each, one after another) and folds each profile into the
functions that hold most samples, counting a function once per stack it appears in (inclusive).
Writes ``bench/results/idle-profile-<date>.json`` and prints the table. Needs ``py-spy`` (a dev
dependency) and root or ptrace rights. Run it under ``flock /tmp/aref-stack.lock``.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import CLOCK_TICKS, machine, ray_processes, running_stack, write_result  # noqa: E402

COMMAND = "python -m bench.idle_profile"
SETTLE_S = 20
RATE_HZ = 50
SHOWN = 12
IGNORED_FRAMES = ("<module>", "Thread.run (", "Thread._bootstrap", "Worker.main_loop (")


def fold(collapsed: str) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    """py-spy's collapsed stacks -> (samples, the functions in most stacks, the innermost Python frames).

    A function counts once per stack it appears in (inclusive); the innermost frame is where the
    process was when sampled, or the Python call into native code (Ray's core worker) it was in."""
    total, inclusive, innermost = 0, collections.Counter[str](), collections.Counter[str]()
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [f.strip() for f in stack.split(";") if f.strip()]
        for frame in set(frames):
            if not frame.startswith(IGNORED_FRAMES):
                inclusive[frame] += samples
        if frames:
            innermost[frames[-1]] += samples
    return total, inclusive.most_common(SHOWN), innermost.most_common(SHOWN)


def cpu_by_process(seconds: float) -> list[tuple[int, str, float]]:
    """(pid, name, % of one core) of every Ray process alive across ``seconds``."""
    before = ray_processes()
    time.sleep(seconds)
    after = ray_processes()
    return [
        (pid, p.name, round(100.0 * (p.cpu_ticks - before[pid].cpu_ticks) / CLOCK_TICKS / seconds, 2))
        for pid, p in after.items()
        if pid in before
    ]


def profile(pid: int, seconds: float) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    with tempfile.NamedTemporaryFile(suffix=".txt") as out:
        what = ["--pid", str(pid), "--duration", str(int(seconds)), "--rate", str(RATE_HZ)]
        subprocess.run(
            ["py-spy", "record", *what, "--format", "raw", "--nonblocking", "--output", out.name],
            check=True,
            capture_output=True,
            timeout=seconds + 60,
        )
        return fold(Path(out.name).read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--top", type=int, default=6, help="how many of the busiest processes to profile")
    args = parser.parse_args()
    if shutil.which("py-spy") is None:
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    with running_stack("idle-profile") as (_stack, startup_s):
        time.sleep(SETTLE_S)
        usage = cpu_by_process(args.seconds)
        busiest = sorted(usage, key=lambda u: -u[2])[: args.top]
        profiles: list[dict[str, Any]] = []
        for pid, name, pct in busiest:
            try:
                samples, top, inner = profile(pid, args.seconds)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                profiles.append({"pid": pid, "name": name, "error": str(error)})
                continue
            profiles.append(
                {
                    "pid": pid,
                    "name": name,
                    "cpu_pct_of_core": pct,
                    "active_samples": samples,
                    "functions": [{"frame": f, "samples": n, "share": round(n / samples, 3)} for f, n in top],
                    "innermost": [{"frame": f, "samples": n, "share": round(n / samples, 3)} for f, n in inner],
                }
            )
    report = {
        "machine": machine(),
        "startup_s": startup_s,
        "seconds": args.seconds,
        "rate_hz": RATE_HZ,
        "idle_cpu_pct_of_core": round(sum(u[2] for u in usage), 1),
        "profiles": profiles,
    }
    path = write_result("idle-profile", report)
    for p in profiles:
        print(f"\n{p['name']} (pid {p['pid']}): {p.get('cpu_pct_of_core')} % of one core")
        for label in ("functions", "innermost"):
            print(f"  {label}:")
            for f in p.get(label, []):
                print(f"  {f['share']:6.1%}  {f['frame']}")
    print(f"\nidle {report['idle_cpu_pct_of_core']} % of one core; {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
