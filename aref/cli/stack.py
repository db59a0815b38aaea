"""``aref up`` and ``aref down``: start and stop the local stack exactly as the README does.

``up``: refuse when Serve's HTTP port, Ray's GCS port or the dashboard's port is already held,
naming the process (a stale proxy there would answer instead of the new stack); then ``ray start
--head``, then ``serve run serve_config.yaml`` in the background (in its own session, output to
``AREF_DATA_DIR/serve_run.log``, pid in ``serve_run.pid``), then poll the Ray dashboard's
``/api/serve/applications/`` until every application of the config is RUNNING and Serve's HTTP
proxy is HEALTHY.
``down``: ``serve shutdown -y``, stop the recorded ``serve run`` if it is still there, ``ray stop``;
then check Serve's HTTP port: an HAProxy still listening there (orphaned by an earlier ``ray stop
--force``) is stopped by its pid, anything else is named.
``RAY_AUTH_MODE`` is pinned to ``disabled`` unless the environment sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

import click
import httpx
import yaml

from aref.cli import render
from aref.cli.errors import CliError
from aref.cli.runtime import Runtime, session

DASHBOARD = "http://127.0.0.1:8265"
APPLICATIONS = "/api/serve/applications/"
LOG_NAME, PID_NAME = "serve_run.log", "serve_run.pid"
POLL_S = 1.0
WAITING = ("waiting", "")
TOKEN_FILE = Path.home() / ".ray" / "auth_token"
SERVE_PORT, GCS_PORT = 8000, 6379
PROXY_ROW = "serve proxy"


@click.command()
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default="serve_config.yaml", show_default=True
)
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True, help="Seconds to wait.")
@click.option("--ray-dashboard", envvar="AREF_RAY_DASHBOARD_URL", default=DASHBOARD, show_default=True)
def up(config_path: Path, timeout: float, ray_dashboard: str) -> None:
    """Start Ray and the Serve applications of the config; wait until every one is RUNNING."""
    s = session()
    rt = s.runtime
    config = config_path.resolve()
    apps = application_names(config)
    env = stack_env(rt.environ)
    data_dir = rt.data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot use AREF_DATA_DIR {data_dir}: {exc}") from None
    log = data_dir / LOG_NAME
    refuse_held_ports(rt, (http_port(config), GCS_PORT, urlparse(ray_dashboard).port or 8265))
    render.line(s.console, f"ray start --head  (RAY_AUTH_MODE={env['RAY_AUTH_MODE']})")
    started = rt.processes.run(["ray", "start", "--head"], env=env, cwd=config.parent)
    if not started.ok:
        raise CliError(f"ray start --head failed (exit {started.returncode}): {started.tail()}")
    render.line(s.console, f"serve run {config.name}  (log: {log})")
    try:
        pid = rt.processes.spawn(["serve", "run", config.name], env=env, cwd=config.parent, log=log)
    except OSError as exc:
        raise CliError(f"cannot start serve run: {exc}") from None
    (data_dir / PID_NAME).write_text(f"{pid}\n")
    wait_until_running(rt, ray_dashboard.rstrip("/"), apps, pid=pid, log=log, timeout=timeout, env=env)
    render.line(s.console, f"AREF is up: {s.url}/  (Ray dashboard {ray_dashboard})", "bold green")


@click.command()
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default="serve_config.yaml", show_default=True
)
def down(config_path: Path) -> None:
    """Delete the Serve applications, stop Ray, and check that nothing still holds Serve's port."""
    s = session()
    rt = s.runtime
    env = stack_env(rt.environ)
    cwd = Path.cwd()
    shutdown = rt.processes.run(["serve", "shutdown", "-y"], env=env, cwd=cwd)
    render.line(s.console, "serve shutdown -y" + ("" if shutdown.ok else f": {shutdown.tail(2)}"))
    pid_file = rt.data_dir() / PID_NAME
    if pid_file.exists():
        text = pid_file.read_text().strip()
        pid = int(text) if text.isdigit() else 0
        if pid > 0 and rt.processes.running(pid, "serve"):
            rt.processes.terminate(pid)
            render.line(s.console, f"stopped serve run (pid {pid})")
        pid_file.unlink()
    stopped = rt.processes.run(["ray", "stop"], env=env, cwd=cwd)
    if not stopped.ok:
        raise CliError(f"ray stop failed (exit {stopped.returncode}): {stopped.tail()}")
    render.line(s.console, "ray stop: AREF is down", "bold")
    port = http_port(config_path) if config_path.is_file() else SERVE_PORT
    left = rt.processes.listener(port)
    if left is not None and left.is_serve_haproxy() and left.pid is not None:
        rt.processes.terminate(left.pid)
        render.line(s.console, f"stopped an orphaned HAProxy still holding port {port}: {left.describe()}")
    elif left is not None:
        render.line(s.console, f"port {port} is still held by {left.describe()}: not AREF's to stop", "yellow")


def refuse_held_ports(rt: Runtime, ports: tuple[int, ...]) -> None:
    """Stop ``up`` before it starts anything when one of ``ports`` already has a listener."""
    held = [found for port in dict.fromkeys(ports) if (found := rt.processes.listener(port)) is not None]
    if held:
        named = "; ".join(f"port {h.port} is held by {h.describe()}" for h in held)
        raise CliError(
            f"{named}. A new stack cannot start beside it (a stale Serve proxy would answer in its place): "
            "if it is an earlier AREF stack run 'aref down' (it also stops an orphaned HAProxy), else free the port"
        )


def application_names(config: Path) -> list[str]:
    """The ``applications[].name`` of a Serve config file."""
    if not config.is_file():
        raise CliError(f"no Serve config at {config}: run 'aref up' in the AREF checkout or pass --config")
    try:
        spec = yaml.safe_load(config.read_text())
        names = [str(app["name"]) for app in spec["applications"]]
    except (yaml.YAMLError, TypeError, KeyError) as exc:
        raise CliError(f"{config} is not a Serve config with named applications: {exc}") from None
    if not names:
        raise CliError(f"{config} lists no applications")
    return names


def http_port(config: Path) -> int:
    """Serve's HTTP port in a Serve config (``http_options.port``; Serve's default 8000)."""
    try:
        spec = yaml.safe_load(config.read_text())
        port = spec.get("http_options", {}).get("port", SERVE_PORT)
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        raise CliError(f"cannot read http_options.port from {config}: {exc}") from None
    if not isinstance(port, int) or not 0 < port < 65536:
        raise CliError(f"{config}: http_options.port must be a port number, got {port!r}")
    return port


def stack_env(environ: Mapping[str, str]) -> dict[str, str]:
    return {**environ, "RAY_AUTH_MODE": environ.get("RAY_AUTH_MODE") or "disabled"}


def ray_auth_headers(env: Mapping[str, str]) -> dict[str, str]:
    """The bearer token the Ray dashboard wants in token auth mode (``RAY_AUTH_TOKEN`` or ``~/.ray/auth_token``)."""
    if env.get("RAY_AUTH_MODE", "").lower() != "token":
        return {}
    token = env.get("RAY_AUTH_TOKEN") or (TOKEN_FILE.read_text().strip() if TOKEN_FILE.exists() else "")
    return {"Authorization": f"Bearer {token}"} if token else {}


def wait_until_running(
    rt: Runtime, dashboard: str, apps: list[str], *, pid: int, log: Path, timeout: float, env: Mapping[str, str]
) -> None:
    """Poll until every application is RUNNING and every Serve proxy HEALTHY (a proxy that cannot
    bind its port stays STARTING while the applications report RUNNING)."""
    http = rt.http(dashboard)
    headers = ray_auth_headers(env)
    deadline = rt.monotonic() + timeout
    with render.stack_progress(rt.console) as progress:
        tasks = {name: progress.add_task(name, total=1, state="waiting") for name in (*apps, PROXY_ROW)}
        while True:
            states, proxies = serve_states(http, f"{dashboard}{APPLICATIONS}", headers)
            proxy_state = ", ".join(sorted(set(proxies.values()))) or "waiting"
            for name, task in tasks.items():
                state = proxy_state if name == PROXY_ROW else states.get(name, WAITING)[0]
                progress.update(task, completed=int(state in ("RUNNING", "HEALTHY")), state=state)
            failed = [(name, message) for name, (state, message) in states.items() if state == "DEPLOY_FAILED"]
            if failed:
                name, message = failed[0]
                raise CliError(f"Serve could not deploy {name}: {message[-300:]} (log: {log}; 'aref down' stops Ray)")
            running = all(states.get(name, WAITING)[0] == "RUNNING" for name in apps)
            if running and proxy_state == "HEALTHY":
                return
            if not rt.processes.running(pid, "serve"):
                raise CliError(f"serve run exited before every application was RUNNING; see {log} ('aref down')")
            if rt.monotonic() >= deadline and running:
                raise CliError(
                    f"every application is RUNNING but Serve's proxy is {proxy_state} after {timeout:.0f} s: it "
                    "cannot serve HTTP (is another process on Serve's port? see logs/serve/proxy_*.log of the Ray "
                    "session); 'aref down' stops Ray"
                )
            if rt.monotonic() >= deadline:
                raise CliError(f"gave up after {timeout:.0f} s waiting for every application to be RUNNING; see {log}")
            rt.sleep(POLL_S)


def serve_states(
    http: httpx.Client, url: str, headers: Mapping[str, str]
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Application name -> (status, message), and proxy node -> status; empty until the dashboard answers."""
    try:
        reply = http.get(url, headers=dict(headers))
        body = reply.json() if reply.status_code == 200 else {}
        apps, proxies = body.get("applications", {}), body.get("proxies", {})
    except (httpx.HTTPError, ValueError, AttributeError):
        return {}, {}
    return (
        {
            str(name): (str(app.get("status", "")), str(app.get("message", "")))
            for name, app in (apps.items() if isinstance(apps, dict) else ())
            if isinstance(app, dict)
        },
        {
            str(node): str(proxy.get("status", ""))
            for node, proxy in (proxies.items() if isinstance(proxies, dict) else ())
            if isinstance(proxy, dict)
        },
    )
