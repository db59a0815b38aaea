"""The ``aref`` group: global options, and every command's behaviour against a stopped stack and with --json."""

from __future__ import annotations

import json

import pytest

from aref.cli.client import ArefClient
from aref.cli.errors import EXIT_ERROR, UnreachableError
from aref.cli.main import cli
from aref.cli.runtime import default_http
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from aref.testing import FakeClock
from tests.unit.cli.conftest import TOKEN, UNREACHABLE, URL, Harness, make_settings

API_COMMANDS = [
    ["status"],
    ["pillars"],
    ["maturity"],
    ["services"],
    ["scale", "payments", "2"],
    ["flags"],
    ["flags", "set", "payments.analytics", "off"],
    ["alerts"],
    ["alerts", "ack", "ALR-1"],
    ["alerts", "resolve", "ALR-1"],
    ["timeline"],
    ["incidents"],
    ["reviews"],
    ["actions"],
    ["runbooks"],
    ["recovery", "drill", "payments"],
    ["recovery", "approve", "REC-1", "approve-remediation", "--by", "ic"],
    ["chaos", "list"],
    ["chaos", "run", "inventory_degradation"],
    ["chaos", "stop"],
    ["chaos", "status"],
    ["load", "run", "--duration", "1"],
    ["load", "start", "--rate", "1", "--duration", "10"],
    ["load", "stop"],
    ["load", "status"],
    ["seed"],
    ["demo"],
    ["watch"],
]
READ_COMMANDS = [
    ["status"],
    ["pillars"],
    ["maturity"],
    ["services"],
    ["flags"],
    ["alerts"],
    ["timeline"],
    ["incidents"],
    ["reviews"],
    ["actions"],
    ["runbooks"],
    ["chaos", "list"],
    ["chaos", "status"],
    ["load", "status"],
    ["watch"],
]


def test_every_api_command_is_registered() -> None:
    names = {args[0] for args in API_COMMANDS} | {"up", "down"}
    assert set(cli.commands) == names


@pytest.mark.parametrize("args", API_COMMANDS, ids=" ".join)
def test_a_stopped_stack_is_one_line_and_exit_2(offline: Harness, args: list[str]) -> None:
    result = offline.invoke(*args, url=UNREACHABLE)
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.startswith(f"cannot reach AREF at {UNREACHABLE}: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_json_output_parses(harness: Harness, args: list[str]) -> None:
    result = harness.invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), (dict, list))


def test_json_is_the_api_answer_unchanged(harness: Harness) -> None:
    api = harness.http("http://x").get("/api/aref/services").json()
    assert harness.json("services") == api


def test_the_url_must_be_http(offline: Harness) -> None:
    result = offline.invoke("status", url="ftp://example")
    assert result.exit_code == EXIT_ERROR
    assert "must be an http(s) URL, got 'ftp://example'" in result.output


def test_the_url_comes_from_aref_url(offline: Harness) -> None:
    result = offline.runner_invoke(["status"], env={"AREF_URL": UNREACHABLE})
    assert result.exit_code == EXIT_ERROR
    assert f"cannot reach AREF at {UNREACHABLE}" in result.stderr


def test_the_default_http_client_reports_a_refused_connection() -> None:
    client = ArefClient(UNREACHABLE, default_http(UNREACHABLE))
    with pytest.raises(UnreachableError, match=r"cannot reach AREF at http://127.0.0.1:9: .*refused"):
        client.status()


def test_changes_send_the_token_from_the_option_or_the_environment(plane: ControlPlane, clock: FakeClock) -> None:
    guarded = Harness(clock, create_app(plane, settings=make_settings(api_token=TOKEN)))
    refused = guarded.invoke("scale", "payments", "2")
    assert refused.exit_code == EXIT_ERROR
    assert refused.stderr.strip() == (
        "error 401: this request needs 'Authorization: Bearer <AREF_API_TOKEN>' (pass --token or set AREF_API_TOKEN)"
    )
    assert guarded.invoke("status").exit_code == 0  # reads need no token
    wrong = guarded.runner_invoke(["--url", URL, "--token", "not-it", "scale", "payments", "2"])
    assert wrong.exit_code == EXIT_ERROR
    assert wrong.stderr.strip() == (
        "error 403: the token in 'Authorization: Bearer' is not AREF_API_TOKEN (pass --token or set AREF_API_TOKEN)"
    )
    assert guarded.runner_invoke(["--url", URL, "--token", TOKEN, "scale", "payments", "2"]).exit_code == 0
    assert guarded.runner_invoke(["--url", URL, "scale", "payments", "3"], env={"AREF_API_TOKEN": TOKEN}).exit_code == 0
    assert plane.transport.fleet.count("payments").target == 3
