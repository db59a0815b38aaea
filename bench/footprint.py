"""Bench: AREF's idle cost, footprint and start-up, against an empty Serve app on the same Ray.

First an empty baseline: ``ray start --head --num-cpus=2`` and ``serve run`` of one trivial deployment
(the same environment as ``tests/stack.py``'s ``new_stack``, Serve's throughput mode and HAProxy),
idle for ``--seconds``, then ``serve shutdown -y`` and ``ray stop``. Then the AREF stack as the tests
start it, idle for ``--seconds``: CPU (% of one core) and PSS of every Ray process, grouped by process
name; then one service scaled from 1 to 2 replicas through AREF's own API, for the PSS one replica
adds; last, how often AREF's loops really ran (pillar actors' ticks, the prober's rounds, the
replicas' ticks and synthetic requests). Writes ``bench/results/footprint-<date>.json`` and prints
one line. Run it under ``flock /tmp/aref-stack.lock``.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import Proc, Row, cpu_and_pss, driver, ray_processes, running_stack, write_result  # noqa: E402
from tests.integration.helpers import running_ids  # noqa: E402
from tests.stack import DASHBOARD, HTTP, PORTS, new_stack, wait_for  # noqa: E402

COMMAND = "python -m bench.footprint"
SETTLE_S = 15
"""Seconds after every application is RUNNING before the idle window: replicas finish their first ticks."""
SCALED = "notifications"
REPLICA_SETTLE_S = 10
CPU_ADDED_TARGET = 10.0
PSS_TARGET_MIB = 2.5e9 / 2**20  # 2.5 GB
STARTUP_TARGET_S = 45.0
SERVE_DEFAULT_HEALTH_CHECK_S = 10.0
EMPTY_APP = '''"""One trivial Serve deployment: the baseline AREF's idle cost is compared with."""

from ray import serve


@serve.deployment(ray_actor_options={"num_cpus": 0.05})
class Empty:
    async def __call__(self, request):
        return "ok"


app = Empty.bind()
'''
EMPTY_CONFIG = {
    "proxy_location": "HeadOnly",
    "http_options": {"host": "127.0.0.1", "port": 8000},
    "applications": [{"name": "empty", "route_prefix": "/", "import_path": "empty_app:app"}],
}


def _applications() -> dict[str, Any]:
    from actors.serve_admin import ray_auth_headers

    try:
        reply = httpx.get(f"{DASHBOARD}/api/serve/applications/", timeout=5, headers=ray_auth_headers())
        apps: dict[str, Any] = reply.json().get("applications", {})
    except (httpx.HTTPError, ValueError):
        return {}
    return apps


def measure_empty_serve(seconds: float) -> dict[str, Any]:
    """Ray and one trivial Serve deployment, started and stopped by their own commands: idle CPU and PSS."""
    tmp = Path(tempfile.mkdtemp(prefix="aref-bench-empty-"))
    (tmp / "empty_app.py").write_text(EMPTY_APP)
    config = tmp / "serve_config.yaml"
    config.write_text(yaml.safe_dump(EMPTY_CONFIG, sort_keys=False))
    stack = new_stack(tmp, PYTHONPATH=str(tmp))
    busy = [p for p in PORTS if _port_busy(p)]
    if busy:
        raise RuntimeError(f"ports {busy} are in use: is another Ray cluster running?")
    started = time.monotonic()
    try:
        ray_start = stack.run("ray", "start", "--head", "--num-cpus=2", "--disable-usage-stats")
        if ray_start.returncode != 0:
            raise RuntimeError(f"ray start failed:\n{ray_start.stdout}\n{ray_start.stderr}")
        stack.ray_started = True
        log = (stack.log_dir / "serve_run.log").open("wb")
        stack.serve_run = subprocess.Popen(
            ["serve", "run", str(config)], cwd=tmp, env=stack.env, stdout=log, stderr=subprocess.STDOUT
        )
        wait_for(
            lambda: _applications().get("empty", {}).get("status") == "RUNNING",
            timeout=120,
            what="the empty application RUNNING",
            process=stack.serve_run,
        )
        startup_s = round(time.monotonic() - started, 1)
        time.sleep(SETTLE_S)
        idle = cpu_and_pss(seconds)
    finally:
        stack.stop()
    return {"startup_s": startup_s, "health_check_period_s": SERVE_DEFAULT_HEALTH_CHECK_S, "idle": idle}


def _port_busy(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def replica_pss(service: str = SCALED) -> dict[str, Any]:
    """PSS of the whole stack before and after ``service`` goes from 1 to 2 replicas through AREF's API;
    set back to 1 afterwards. A refused or stuck scale is recorded as ``error``, not raised."""
    group = f"ray::ServeReplica:{service}:{service}"
    before = ray_processes()
    reply = httpx.post(f"{HTTP}/api/aref/services/{service}/scale", json={"replicas": 2}, timeout=30)
    if reply.status_code != 200:
        return {"service": service, "error": f"scale to 2 answered {reply.status_code}: {reply.text[:300]}"}
    asked = time.monotonic()
    try:
        wait_for(lambda: len(running_ids(service)) == 2, timeout=90, what=f"2 RUNNING {service} replicas")
    except TimeoutError as exc:
        return {"service": service, "error": str(exc)}
    running_after_s = round(time.monotonic() - asked, 1)
    time.sleep(REPLICA_SETTLE_S)
    after = ray_processes()
    new = [p for pid, p in after.items() if p.name == group and pid not in before]
    httpx.post(f"{HTTP}/api/aref/services/{service}/scale", json={"replicas": 1}, timeout=30)
    with contextlib.suppress(TimeoutError):
        wait_for(lambda: len(running_ids(service)) == 1, timeout=60, what=f"1 RUNNING {service} replica")

    def mib(procs: dict[int, Proc]) -> float:
        return round(sum(p.pss_kb for p in procs.values()) / 1024, 1)

    return {
        "service": service,
        "seconds_to_running": running_after_s,
        "pss_before_mb": mib(before),
        "pss_after_mb": mib(after),
        "pss_added_mb": round(mib(after) - mib(before), 1),
        "new_replica_pss_mb": round(sum(p.pss_kb for p in new) / 1024, 1) if new else None,
        "processes_before": len(before),
        "processes_after": len(after),
    }


def observed_polls() -> dict[str, Any]:
    """How often AREF's loops really ran: each service replica's ticks and synthetic requests (its
    ``/health``), each actor's ticks (``host_info``) and the prober's rounds, per second of uptime."""
    import ray

    from actors.options import ACTORS
    from aref.control.wiring import PROBER
    from aref.topology import SERVICES

    def rate(count: float, uptime: float) -> float | None:
        return round(count / uptime, 3) if uptime > 0 else None

    replicas: dict[str, Any] = {}
    for service in SERVICES:
        try:
            health = httpx.get(f"{HTTP}/{service}/health", timeout=10).json()
        except (httpx.HTTPError, ValueError) as exc:
            replicas[service] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        uptime = float(health.get("uptime_s", 0))
        replicas[service] = {
            "uptime_s": uptime,
            "ticks_per_s": rate(health.get("ticks", 0), uptime),
            "synthetic_requests_per_s": rate(health.get("synthetic_requests", 0), uptime),
        }
    actors: dict[str, Any] = {}

    def ask(actor: str, method: str) -> Any:
        handle: Any = ray.get_actor(actor)  # typed Any: Ray's stubs make what follows an actor call unreachable
        return ray.get(getattr(handle, method).remote(), timeout=10)

    with driver():
        for name in ACTORS:
            try:
                info = ask(name, "host_info")
            except Exception as exc:  # a missing actor is a finding, not a crash of the bench
                actors[name] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            actors[name] = {"uptime_s": info["uptime_s"], "ticks_per_s": rate(info["ticks"], info["uptime_s"])}
        try:
            status = ask(PROBER, "status")
            actors[PROBER]["rounds_per_s"] = rate(status["rounds"], actors[PROBER]["uptime_s"])
            actors[PROBER]["interval_s"] = status["interval_seconds"]
            actors[PROBER]["targets"] = status["targets"]
        except Exception as exc:
            actors[PROBER]["rounds_error"] = f"{type(exc).__name__}: {exc}"
    return {"replicas": replicas, "actors": actors}


def configured_polls() -> list[dict[str, Any]]:
    """What polls in the AREF stack and how often, as configured: ``serve_config.yaml`` and the settings of this
    process's environment (a stack started with other ``AREF_*`` values: see the observed rates)."""
    from aref.config import load_settings

    s = load_settings()
    tick = s.tick_seconds
    config = yaml.safe_load((REPO / "serve_config.yaml").read_text())
    deployments = [d for app in config["applications"] for d in app["deployments"]]
    checks = sorted({d.get("health_check_period_s", SERVE_DEFAULT_HEALTH_CHECK_S) for d in deployments})
    return [
        {
            "who": "every service replica (gateway, orders, payments, inventory, notifications)",
            "every_s": tick,
            "what": "control-plane tick: push telemetry (detection), push breaker reports if any and the applied "
            "state (absorption), pull the fault board (chaos), breaker decisions (absorption), flags and traffic "
            "(adaptation): 4-5 actor calls per replica per tick",
        },
        {
            "who": "every AREF actor (9: pillars, chaos, timeline, loadgen, prober)",
            "every_s": tick,
            "what": "the actor's tick loop (the service's periodic work, then its queued effects)",
        },
        {
            "who": "prober actor",
            "every_s": s.detection.synthetic_probe_interval,
            "what": "a probe round: /readyz of every service and one synthetic order through the gateway",
        },
        {
            "who": "adaptation actor",
            "every_s": 2 * tick,
            "what": "replica counts and capacity: Serve's REST /api/serve/applications/ on the Ray dashboard, "
            "ray.available_resources, /proc/stat and /proc/meminfo",
        },
        {
            "who": "detection actor",
            "every_s": min(s.detection.threshold_check_interval, s.detection.anomaly_check_interval),
            "what": "threshold rules and anomaly streams over the samples ingested since the last check",
        },
        {
            "who": "Serve controller",
            "every_s": checks[0] if len(checks) == 1 else checks,
            "what": "health check of every replica of the six applications (health_check_period_s in "
            f"serve_config.yaml; Serve's default, the empty app's, is {SERVE_DEFAULT_HEALTH_CHECK_S:g} s)",
        },
    ]


def measure(stack_startup_s: float, seconds: float = 60, empty: dict[str, Any] | None = None) -> dict[str, Any]:
    """Against the running AREF stack: idle CPU and PSS per process group over ``seconds``, the PSS one
    more replica adds, the loops' observed rates; ``empty`` (``measure_empty_serve``) is kept beside."""
    time.sleep(SETTLE_S)
    idle = cpu_and_pss(seconds)
    replica = replica_pss()
    polls = observed_polls()
    result: dict[str, Any] = {
        "startup_s": stack_startup_s,
        "idle": idle,
        "extra_replica": replica,
        "polls": {"configured": configured_polls(), "observed": polls},
    }
    if empty is not None:
        result["empty_serve"] = empty
        result["cpu_added_pct_of_core"] = round(idle["cpu_pct_of_core"] - empty["idle"]["cpu_pct_of_core"], 1)
        result["pss_added_mb"] = round(idle["pss_mb"] - empty["idle"]["pss_mb"], 1)
    return result


def rows(result: dict[str, Any]) -> list[Row]:
    """The table's lines: idle CPU (AREF, empty Serve, the difference), PSS, PSS per replica, start-up."""
    idle, empty = result["idle"], result.get("empty_serve")
    added = result.get("cpu_added_pct_of_core")
    pss, startup = idle["pss_mb"], result["startup_s"]
    per_replica = result["extra_replica"].get("pss_added_mb")
    cost, size = "Idle cost", "Footprint and start-up"
    return [
        Row(cost, "idle CPU, whole AREF stack", idle["cpu_pct_of_core"], "% of one core", "", None, COMMAND),
        Row(
            cost,
            "idle CPU, empty Serve app (ray start + one trivial deployment)",
            empty["idle"]["cpu_pct_of_core"] if empty else None,
            "% of one core",
            "",
            None,
            COMMAND,
        ),
        Row(
            cost,
            "idle CPU AREF adds over the empty Serve app",
            added,
            "% of one core",
            f"≤ {CPU_ADDED_TARGET:g}",
            None if added is None else added <= CPU_ADDED_TARGET,
            COMMAND,
        ),
        Row(
            size,
            "PSS, whole AREF stack at idle",
            pss,
            "MiB",
            f"≤ 2.5 GB ({PSS_TARGET_MIB:.0f} MiB)",
            pss <= PSS_TARGET_MIB,
            COMMAND,
        ),
        Row(
            size,
            "PSS, empty Serve app at idle",
            empty["idle"]["pss_mb"] if empty else None,
            "MiB",
            "",
            None,
            COMMAND,
        ),
        Row(
            size,
            f"PSS one more replica adds ({result['extra_replica']['service']} 1 -> 2, whole stack)",
            per_replica,
            "MiB",
            "",
            None,
            COMMAND,
        ),
        Row(
            size,
            "ray start -> every application RUNNING",
            startup,
            "s",
            f"≤ {STARTUP_TARGET_S:g}",
            startup <= STARTUP_TARGET_S,
            COMMAND,
        ),
    ]


def summary(result: dict[str, Any]) -> str:
    idle, empty, replica = result["idle"], result["empty_serve"]["idle"], result["extra_replica"]
    top = ", ".join(f"{name} {g['cpu_pct_of_core']}" for name, g in list(idle["by_name"].items())[:5])
    added = replica.get("pss_added_mb", replica.get("error"))
    return (
        f"idle CPU AREF {idle['cpu_pct_of_core']} vs empty Serve {empty['cpu_pct_of_core']} % of one core "
        f"(+{result['cpu_added_pct_of_core']}, target ≤ {CPU_ADDED_TARGET:g}; top: {top}), "
        f"PSS {idle['pss_mb']} MiB (≤ {PSS_TARGET_MIB:.0f}), +{added} MiB per {replica['service']} replica, "
        f"start-up {result['startup_s']} s (≤ {STARTUP_TARGET_S:g})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of each idle window")
    args = parser.parse_args()
    started = time.monotonic()
    empty = measure_empty_serve(args.seconds)
    with running_stack("footprint") as (_, startup_s):
        result = measure(startup_s, args.seconds, empty=empty)
    report = {
        "seconds": args.seconds,
        "settle_s": SETTLE_S,
        "bench_seconds": round(time.monotonic() - started, 1),
        **result,
        "rows": [r.as_dict() for r in rows(result)],
    }
    out = write_result("footprint", report)
    print(f"footprint: {summary(result)}; written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
