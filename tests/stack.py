"""Start and stop the AREF stack exactly as the README says, for integration and e2e tests.

``ray start --head`` then ``serve run serve_config.yaml`` (in the background), from the repo
root, with ``RAY_AUTH_MODE`` pinned and a private ``AREF_DATA_DIR``. Stopping uses the tools'
own commands: ``serve shutdown -y`` and ``ray stop``. Every wait is bounded.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from actors.serve_admin import TOKEN_FILE, ray_auth_headers

REPO = Path(__file__).resolve().parents[1]
HTTP = "http://127.0.0.1:8000"
DASHBOARD = "http://127.0.0.1:8265"
APPS = ("aref", "gateway", "orders", "payments", "inventory", "notifications")
PORTS = (6379, 8000, 8265)
# a faster world for tests: short adaptation window and T0 target, burn-rate windows x0.005
TEST_SETTINGS = {
    "AREF_TICK_SECONDS": "0.5",
    "AREF_ADAPTATION_ADAPTATION_WINDOW_SECONDS": "8",
    "AREF_ADAPTATION_RESTORE_AFTER_SECONDS": "10",
    "AREF_RECOVERY_T0_TARGET_SECONDS": "20",
    # an incident left with burn alerts only resolves after 20 s of calm (not 60): breakers probe every 6 s
    "AREF_RECOVERY_BURN_ONLY_HOLD_SECONDS": "20",
    "AREF_DETECTION_BURN_RATE_WINDOW_SCALE": "0.005",
    # an open breaker waits 6 s instead of 30 s before probing (experiments run at --time-scale 0.5 or 0.2)
    "AREF_ABSORPTION_CIRCUIT_BREAKER_RECOVERY_TIMEOUT": "6",
}


@dataclass
class Stack:
    data_dir: Path
    log_dir: Path
    env: dict[str, str]
    serve_run: subprocess.Popen[bytes] | None = None
    ray_started: bool = False
    steps: list[str] = field(default_factory=list)

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        self.steps.append(" ".join(args))
        return subprocess.run(args, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout)

    def start(self) -> None:
        busy = [p for p in PORTS if _port_busy(p)]
        if busy:
            raise RuntimeError(f"ports {busy} are in use: is another Ray cluster running? (ray stop)")
        started = self.run("ray", "start", "--head", "--num-cpus=2", "--disable-usage-stats")
        if started.returncode != 0:
            raise RuntimeError(f"ray start failed:\n{started.stdout}\n{started.stderr}")
        self.ray_started = True
        log = (self.log_dir / "serve_run.log").open("wb")
        self.steps.append("serve run serve_config.yaml")
        self.serve_run = subprocess.Popen(
            ["serve", "run", "serve_config.yaml"], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        wait_for(self._all_running, timeout=240, what="every Serve application RUNNING", process=self.serve_run)

    def _all_running(self) -> bool:
        try:
            reply = httpx.get(f"{DASHBOARD}/api/serve/applications/", timeout=5, headers=ray_auth_headers())
            apps = reply.json().get("applications", {})
        except (httpx.HTTPError, ValueError):
            return False
        failed = {name: app.get("message", "") for name, app in apps.items() if app.get("status") == "DEPLOY_FAILED"}
        if failed:
            raise RuntimeError(f"Serve could not deploy {sorted(failed)}: {next(iter(failed.values()))[-800:]}")
        return all(apps.get(name, {}).get("status") == "RUNNING" for name in APPS)

    def stop(self) -> None:
        """Stop what ``start`` started, and nothing else."""
        if not self.ray_started:
            return
        self.run("serve", "shutdown", "-y", timeout=120)
        if self.serve_run is not None and self.serve_run.poll() is None:
            self.serve_run.send_signal(signal.SIGTERM)
            try:
                self.serve_run.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.serve_run.kill()
        self.run("ray", "stop", timeout=120)
        self.ray_started = False

    def serve_log(self) -> str:
        path = self.log_dir / "serve_run.log"
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""


def new_stack(tmp: Path, **extra_env: str) -> Stack:
    data_dir, log_dir = tmp / "data", tmp / "logs"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "RAY_AUTH_MODE": os.environ.get("RAY_AUTH_MODE", "disabled"),
        # the README's default: Serve's high-throughput mode
        "RAY_SERVE_THROUGHPUT_OPTIMIZED": os.environ.get("RAY_SERVE_THROUGHPUT_OPTIMIZED", "1"),
        "RAY_SERVE_ENABLE_HA_PROXY": os.environ.get("RAY_SERVE_ENABLE_HA_PROXY", "1"),
        "AREF_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(REPO),
        **extra_env,
    }
    if env["RAY_AUTH_MODE"] == "token" and not env.get("RAY_AUTH_TOKEN") and not TOKEN_FILE.exists():
        # a token for this session only, shared with the test process (its driver and HTTP calls)
        env["RAY_AUTH_TOKEN"] = os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
    if shutil.which("ray", path=env.get("PATH")) is None:
        raise RuntimeError("the ray CLI is not on PATH; pip install -e . first")
    return Stack(data_dir=data_dir, log_dir=log_dir, env=env)


def wait_for(
    check: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    interval: float = 0.5,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Poll ``check`` until it holds; fail after ``timeout`` seconds or if ``process`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"gave up waiting for {what}: the process exited with {process.returncode}")
        time.sleep(interval)
    raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")


def _port_busy(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
