"""The shared formats and table helpers of ``aref.cli.render``."""

from __future__ import annotations

import io
import json
from datetime import datetime

import click
import pytest
from click.testing import CliRunner
from rich.console import Console

from aref.cli import render
from tests.unit.cli.conftest import row


def console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None, record=True)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("fired_at", 0.0, datetime.fromtimestamp(0.0).strftime("%Y-%m-%d %H:%M:%S")),
        ("timestamp", None, "-"),
        ("duration_s", 12.345, "12.3 s"),
        ("time_to_resolve", 39.0, "39.0 s"),
        ("rate", 0.8, "80%"),
        ("error_rate", 0.125, "12%"),
    ],
)
def test_each_key_kind_has_one_format(key: str, value: float | None, expected: str) -> None:
    format_ = render.formatter(key)
    assert format_ is not None
    assert format_(value) == expected


def test_other_keys_are_shown_as_they_are() -> None:
    assert render.formatter("service") is None
    assert [render.cell(v).plain for v in (None, "", [], True, False, 0.1234567, ["a", "b"], 3)] == [
        "-",
        "-",
        "-",
        "yes",
        "no",
        "0.1235",
        "a, b",
        "3",
    ]


def test_states_are_coloured_and_named() -> None:
    assert (render.cell("firing").style, render.cell("resolved").style, render.cell("payments").style) == (
        "red",
        "green",
        "",
    )


def test_records_names_columns_after_keys_and_keeps_markup_literal() -> None:
    out = console()
    render.records(
        out,
        "Things",
        [{"fault_id": "[bold]x[/]", "duration_s": 5.0, "ended_at": None}],
        "fault_id duration_s ended_at",
        "none",
    )
    text = out.export_text()
    assert row(text, "fault id") == ["fault id", "duration", "ended at"]
    assert row(text, "[bold]x[/]") == ["[bold]x[/]", "5.0 s", "-"]


def test_an_empty_table_says_why() -> None:
    out = console()
    render.records(out, "Alerts [x]", [], "id", "no alert is firing")
    assert out.export_text() == "Alerts [x]: no alert is firing\n"


def test_brief_keeps_scalars_whole() -> None:
    assert render.brief({"a": 1, "b": [1, 2], "c": "x", "d": True}) == "a=1 c=x d=True"
    assert render.brief({"k": "v" * 100}) == "k=" + "v" * 100  # the details column wraps it, never cuts it


def test_raw_prints_the_json_unchanged() -> None:
    data = {"b": [1, 2.5, None], "a": "x"}
    result = CliRunner().invoke(_echo_raw, [], obj=data)
    assert json.loads(result.output) == data
    assert list(json.loads(result.output)) == ["b", "a"]


def test_load_summary_lists_measures_then_statuses() -> None:
    out = console()
    render.load_summary(out, {"sent": 3, "error_rate": 0.5, "statuses": {"201": 2, "503": 1}})
    lines = [line.strip() for line in out.export_text().splitlines() if line.strip()]
    assert lines[-4:] == ["sent           3", "error rate     0.5", "answered 201   2", "answered 503   1"]


def test_load_status_lists_state_plan_progress_stats_then_statuses() -> None:
    out = console()
    plan = {"profile": "spike", "rate_per_s": 2.0, "duration_s": 30.0, "ramp_s": None, "spike_rate_per_s": 10.0}
    stats = {"requests": 4, "errors": 1, "error_rate": 0.25, "latency_p50_ms": 20.0, "by_status": {"201": 3, "503": 1}}
    data = {
        "running": True,
        "target": "http://gw/gateway/api/orders",
        "plan": {**plan, "spike_at_s": 5.0, "spike_s": None},
        "started_at": 0.0,
        "stopped_at": None,
        "sent": 5,
        "in_flight": 1,
        "stats": stats,
    }
    render.load_status(out, data, "Load started")
    text = out.export_text()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "Load started"
    labels = [line.split("  ")[0] for line in lines[3:]]  # after the title, the header and its rule
    assert labels == [
        "state",
        "target",
        "profile",
        "rate /s",
        "duration",
        "spike rate /s",
        "spike at",
        "started at",
        "stopped at",
        "sent",
        "in flight",
        "requests",
        "errors",
        "error rate",
        "latency p50 ms",
        "answered 201",
        "answered 503",
    ]
    assert row(text, "spike at") == ["spike at", "5.0 s"]
    assert row(text, "stopped at") == ["stopped at", "-"]
    assert row(text, "error rate") == ["error rate", "25%"]


@click.command()
@click.pass_obj
def _echo_raw(data: object) -> None:
    render.raw(data)


def test_run_progress_prints_a_verdict_line_only_when_it_changes() -> None:
    class Seen:
        def __init__(self, status: str) -> None:
            self.status = status

    out = console()
    show = render.run_progress(out)
    show("budget", {"remaining": None})
    for statuses in (["pending", "pending"], ["pending", "pending"], ["passed", "pending"], ["passed", "failed"]):
        show("observed", {"verdicts": [Seen(s) for s in statuses], "at": 0.0})
    show("observed", {"verdicts": [Seen("passed"), Seen("failed")], "at": 1.0})
    assert out.export_text().splitlines() == [
        "  error budget: no error budget tracks the target",
        "  observing [..]",
        "  observing [+.]",
        "  observing [+x]",
    ]


def test_run_result_shows_each_expectation_the_times_and_the_verdict() -> None:
    out = console()
    expectations = [
        {"passed": True, "expected": "detected within 30 s", "measured": 7.0, "detail": "after 7.0 s"},
        {"passed": False, "expected": "review written", "measured": None, "detail": "no review"},
    ]
    data = {
        "id": "RUN-1",
        "experiment": "x",
        "expectations": expectations,
        "mttd_s": 7.0,
        "time_to_mitigate_s": None,
        "mttr_s": 30.25,
    }
    render.run_result(out, data)
    text = out.export_text()
    assert row(text, "PASS") == ["PASS", "detected within 30 s", "7", "after 7.0 s"]
    assert row(text, "FAIL") == ["FAIL", "review written", "-", "no review"]
    assert text.splitlines()[-2:] == [
        "MTTD 7.0 s, mitigated -, MTTR 30.2 s",
        "verdict: FAILED: 1 of 2 expectations did not hold (run RUN-1)",
    ]
