"""What every bench shares: the stack's lifecycle, a driver on its cluster, the machine's facts,
Ray's processes read from /proc (CPU ticks and PSS), and the result file.

A bench module exposes ``measure(...) -> dict`` (run against a stack already started) and
``rows(result) -> list[Row]`` (its lines of the table in docs/benchmarks.md); its ``main()``
starts its own stack, measures, writes ``bench/results/<name>-<date>.json`` and prints one line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.stack import Stack, new_stack  # noqa: E402

RESULTS = REPO / "bench" / "results"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table: what was measured, its value, the target and the command."""

    question: str
    metric: str
    value: float | None
    unit: str
    target: str
    met: bool | None
    command: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def machine() -> dict[str, Any]:
    import ray

    with open("/proc/meminfo") as meminfo:
        total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(total_kb / 2**20, 1),
        "ray": ray.__version__,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


@contextlib.contextmanager
def running_stack(prefix: str, **env: str) -> Iterator[tuple[Stack, float]]:
    """A fresh stack as the tests start it (``ray start --head`` + ``serve run``), with the seconds
    from ``ray start`` to every application RUNNING; stopped by its own commands afterwards."""
    stack = new_stack(Path(tempfile.mkdtemp(prefix=f"aref-bench-{prefix}-")), **env)
    started = time.monotonic()
    try:
        stack.start()
        yield stack, round(time.monotonic() - started, 1)
    finally:
        stack.stop()


@contextlib.contextmanager
def driver() -> Iterator[None]:
    """A Ray driver on the running cluster, namespace ``aref``; shut down on exit."""
    import ray

    ray.init(address="auto", namespace="aref", log_to_driver=False, configure_logging=False)
    try:
        yield
    finally:
        ray.shutdown()


@dataclass(frozen=True)
class Proc:
    pid: int
    name: str
    cpu_ticks: int
    pss_kb: int


def ray_processes() -> dict[int, Proc]:
    """This machine's Ray processes (the head's daemons, workers, replicas, actors, Serve's HAProxy,
    the ``serve run`` driver) with their CPU ticks so far and their PSS. A process Ray started that
    has no name of its own (a dashboard's multiprocessing helper) counts as ``<its Ray parent> (child)``."""
    named: dict[int, Proc] = {}
    unnamed: dict[int, tuple[int, int, int]] = {}  # pid -> (ppid, cpu ticks, pss)
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid, ppid, ticks = int(entry.name), int(fields[1]), int(fields[11]) + int(fields[12])
        parents[pid] = ppid
        name = _process_name(cmdline)
        if name is not None:
            named[pid] = Proc(pid, name, ticks, _pss_kb(entry))
        elif cmdline:  # kernel threads have none
            unnamed[pid] = (ppid, ticks, _pss_kb(entry))
    found = dict(named)
    for pid, (ppid, ticks, pss) in unnamed.items():
        ancestor, hops = ppid, 0
        while ancestor not in named and ancestor in parents and hops < 8:
            ancestor, hops = parents[ancestor], hops + 1
        if ancestor in named:
            found[pid] = Proc(pid, f"{named[ancestor].name} (child)", ticks, pss)
    return found


_BINARIES = ("gcs_server", "raylet", "haproxy")
_SCRIPTS = (  # how a Python process of Ray's starts (its script or module) -> its name
    ("ray/dashboard/dashboard.py", "dashboard"),
    ("ray/dashboard/agent.py", "ray::DashboardAgent"),
    ("runtime_env/agent/main.py", "ray::RuntimeEnvAgent"),
    ("ray/_private/log_monitor.py", "log_monitor"),
    ("monitor.py", "monitor (autoscaler)"),
    ("ray.util.client.server", "ray_client_server"),
    ("ray_process_reaper.py", "reaper"),
    ("default_worker.py", "ray::IDLE"),
)


def _process_name(cmdline: str) -> str | None:
    """The group a Ray process counts in, from its command line (Ray rewrites its workers' to their
    title); None for a process that is not Ray's."""
    argv = cmdline.split()
    if not argv:
        return None
    first = argv[0]
    if first.startswith("ray::"):
        # an actor or task title; "ray::Class.method" while it runs a method: grouped by the class
        return first.split(".", 1)[0].removesuffix("()")
    if first.startswith("ray-dashboard-"):
        return first.rsplit("-", 1)[0]  # a dashboard module's subprocess, "ray-dashboard-<Module>-<incarnation>"
    if os.path.basename(first) in _BINARIES:
        return os.path.basename(first)
    head = argv[1:5]
    if len(head) >= 2 and os.path.basename(head[0]) == "serve" and head[1] == "run":
        return "serve run"
    for piece, name in _SCRIPTS:
        if any(arg.endswith(piece) for arg in head):
            return name
    if "haproxy" in first:
        return "haproxy"
    return None


def _pss_kb(entry: Path) -> int:
    try:
        rollup = (entry / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def cpu_and_pss(seconds: float) -> dict[str, Any]:
    """Ray's processes over ``seconds``: each process's CPU (% of one core) and PSS, grouped by name,
    and the totals."""
    before = ray_processes()
    time.sleep(seconds)
    after = ray_processes()
    groups: dict[str, dict[str, float]] = {}
    for pid, proc in after.items():
        used = proc.cpu_ticks - before[pid].cpu_ticks if pid in before else proc.cpu_ticks
        group = groups.setdefault(proc.name, {"processes": 0, "cpu_pct_of_core": 0.0, "pss_mb": 0.0})
        group["processes"] += 1
        group["cpu_pct_of_core"] += 100.0 * used / CLOCK_TICKS / seconds
        group["pss_mb"] += proc.pss_kb / 1024
    for group in groups.values():
        group["cpu_pct_of_core"] = round(group["cpu_pct_of_core"], 2)
        group["pss_mb"] = round(group["pss_mb"], 1)
    return {
        "seconds": seconds,
        "processes": len(after),
        "cpu_pct_of_core": round(sum(g["cpu_pct_of_core"] for g in groups.values()), 1),
        "pss_mb": round(sum(g["pss_mb"] for g in groups.values()), 1),
        "by_name": dict(sorted(groups.items(), key=lambda kv: -kv[1]["cpu_pct_of_core"])),
    }


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def write_result(name: str, report: dict[str, Any]) -> Path:
    """``bench/results/<name>-<date>.json`` with the machine's facts and the time of the run."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}-{dt.date.today().isoformat()}.json"
    full = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(), **report}
    out.write_text(json.dumps(full, indent=2, default=str))
    return out


def spread(values: list[float]) -> dict[str, float | None]:
    """Median and max, rounded to the millisecond; None for no values."""
    if not values:
        return {"median": None, "max": None}
    return {"median": round(statistics.median(values), 3), "max": round(max(values), 3)}


def say(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


async def one_by_one(
    calls: list[Callable[[], Awaitable[dict[str, Any]]]], told: Callable[[dict[str, Any]], str]
) -> list[dict[str, Any]]:
    """Each call's result, the calls made one after the other, each result told as it comes."""
    runs = []
    for call in calls:
        runs.append(await call())
        say(told(runs[-1]))
    return runs
