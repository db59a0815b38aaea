"""Tables fitted to the terminal: ``aref services``, ``alerts``, ``incidents`` and ``chaos list`` at 80, 120
and 200 columns, over the real API with realistic data (one reviewed incident, two live faults, their alerts).

What is printed is what rich's recording console saw. Names, states and severities are never cut,
free text wraps whole, ids may take their short form (the last 8 characters), and a hidden column
is said in the dim line under its table; ``--wide`` shows every column and whole ids.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re

import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from aref.cli.main import cli
from aref.cli.render.basics import SHORT_ID, TEXT_MIN, Column, fit, table
from aref.control.plane import ControlPlane
from aref.testing import FakeClock
from tests.unit.cli.conftest import URL, Harness, incident, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run
WIDTHS = (80, 120, 200)


@pytest.fixture
def busy(harness: Harness, plane: ControlPlane, clock: FakeClock) -> Harness:
    """A reviewed incident on payments behind, then two live faults and the alerts and recoveries they cause."""
    incident(plane, clock)
    run(plane.start_experiment("cascading_failure"))
    run(plane.start_experiment("inventory_degradation"))
    run_traffic(plane, clock, 5)
    return harness


def printed(harness: Harness, width: int, *args: str) -> str:
    """What ``aref args`` printed on a terminal ``width`` columns wide."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    runtime = dataclasses.replace(harness.runtime(), console=console)
    result = CliRunner().invoke(cli, ["--url", URL, *args], obj=runtime, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = console.export_text()
    assert "…" not in text  # nothing anywhere is cut with an ellipsis
    return text


def fits(text: str, width: int) -> bool:
    return all(cell_len(line.rstrip()) <= width for line in text.splitlines())


def words(text: str) -> str:
    """The text with every run of spaces and line ends as one space (a dim line may wrap)."""
    return " ".join(text.split())


def hidden(text: str) -> list[list[str]]:
    """The columns each table's dim line says were hidden, table by table (``[]``: nothing hidden)."""
    notes = re.findall(r"hidden: ([^;(]*)", words(text))
    return [note.strip().split(", ") for note in notes]


def id_row(text: str, whole: str) -> list[str]:
    """The row whose first cell is the id ``whole``, shown whole or in its short form."""
    try:
        return row(text, whole)
    except AssertionError:
        return row(text, whole[-SHORT_ID:])


@pytest.mark.parametrize("width", WIDTHS)
def test_services_keep_every_name_and_status_whole(busy: Harness, plane: ControlPlane, width: int) -> None:
    out = printed(busy, width, "services")
    assert fits(out, width)
    services = run(plane.services())["services"]
    assert {s["status"] for s in services} == {"healthy", "critical"}
    for service in services:
        assert row(out, service["name"])[:2] == [service["name"], service["status"]]
    for service in services:  # the why column wraps the reasons, every word whole
        assert set("; ".join(service["reasons"]).split()) <= set(out.split())


def test_services_at_80_columns_hide_the_least_important_columns_and_say_so(busy: Harness) -> None:
    out = printed(busy, 80, "services")
    (gone,) = hidden(out)
    assert {"requests", "latency p99 ms"} <= set(gone)
    assert not {"why", "degradation tier"} & set(gone)
    assert "latency" not in out.split("hidden: ")[0]  # really not drawn
    assert "(a wider terminal or --wide shows them)" in words(out)


@pytest.mark.parametrize("width", WIDTHS)
def test_alerts_keep_service_state_and_severity_whole(busy: Harness, plane: ControlPlane, width: int) -> None:
    out = printed(busy, width, "alerts")
    assert fits(out, width)
    alerts = run(plane.alerts())
    shown = [*alerts["active"], *alerts["recent_resolved"]]
    assert {a["state"] for a in shown} == {"firing", "resolved"}
    assert {a["severity"] for a in shown} == {"critical", "emergency"}
    for alert in shown:
        cells = id_row(out, alert["id"])
        assert cells[0] in (alert["id"], alert["id"][-SHORT_ID:])
        assert cells[1] == alert["service"]
        assert alert["severity"] in cells
        assert alert["state"] in cells


def test_alerts_at_80_columns_drop_the_correlation_id_and_say_so(busy: Harness, plane: ControlPlane) -> None:
    out = printed(busy, 80, "alerts")
    assert hidden(out) == [hidden(out)[0]] * 2  # both tables, the same columns
    assert "correlation id" in hidden(out)[0]
    for alert in run(plane.alerts())["active"]:
        assert alert["correlation_id"][-SHORT_ID:] not in out
        assert id_row(out, alert["id"])[1] == alert["service"]


def test_alerts_at_200_columns_show_everything_whole(busy: Harness, plane: ControlPlane) -> None:
    out = printed(busy, 200, "alerts")
    assert hidden(out) == []
    assert "last 8 characters" not in out
    for alert in run(plane.alerts())["active"]:
        assert row(out, alert["id"])[-1] == alert["correlation_id"]


def test_wide_shows_every_column_and_whole_ids_on_80_columns(busy: Harness, plane: ControlPlane) -> None:
    out = printed(busy, 80, "--wide", "alerts")
    assert hidden(out) == []
    assert not fits(out, 80)  # past the terminal's edge, drawn whole rather than cropped
    for alert in run(plane.alerts())["active"]:
        cells = row(out, alert["id"])
        assert (cells[1], cells[-1]) == (alert["service"], alert["correlation_id"])
        assert {alert["state"], alert["severity"]} <= set(cells)


@pytest.mark.parametrize("width", WIDTHS)
def test_incidents_keep_services_and_severities_whole(busy: Harness, plane: ControlPlane, width: int) -> None:
    out = printed(busy, width, "incidents")
    assert fits(out, width)
    active = run(plane.recovery())["active"]
    (review,) = run(plane.evolution())["reviews"]["recent"]
    assert len(active) == 2
    for open_ in active:
        cells = id_row(out, open_["incident_id"])
        assert cells[1:3] == [open_["service"], open_["severity"]]
    cells = id_row(out, review["incident_id"])
    assert cells[1] == review["service"]
    assert set(review["title"].split()) <= set(out.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_chaos_list_keeps_names_and_services_whole_and_wraps_hypotheses(
    harness: Harness, plane: ControlPlane, width: int
) -> None:
    run(plane.start_experiment("inventory_degradation"))
    out = printed(harness, width, "chaos", "list")
    assert fits(out, width)
    experiments = run(plane.chaos_experiments())["experiments"]
    for experiment in experiments:
        cells = row(out, experiment["name"])
        assert cells[1] == experiment["service"]
        assert ("running" in cells) == experiment["running"]
        assert set(experiment["hypothesis"].split()) <= set(out.split())  # wrapped, every word whole
    if width == 80:
        assert hidden(out) == [["fault type", "rate", "duration"]]


def test_a_table_that_fits_keeps_the_classic_layout() -> None:
    columns = [Column("name", 1), Column("why", 2, "text")]
    layout = fit(columns, [[Text("payments"), Text("a short reason")]], 80)
    assert (layout.shown, layout.widths, layout.short) == ((0, 1), None, frozenset())


def test_text_wraps_before_anything_is_hidden() -> None:
    columns = [Column("name", 1), Column("why", 2, "text")]
    layout = fit(columns, [[Text("payments"), Text("word " * 40)]], 60)
    assert layout.shown == (0, 1)
    assert layout.width == 60
    assert layout.widths is not None
    assert layout.widths[1] >= TEXT_MIN


def test_the_least_important_id_is_shortened_first() -> None:
    ids = [Column("id", 1, "id"), Column("service", 1), Column("correlation id", 4, "id")]
    row_ = [Text("ALR-0123abcd"), Text("payments"), Text("COR-4567ef01")]
    least = 12 + 8 + len("correlation") + 1 + 2 * 3  # compact: whole ids, the header wrapped, two spaces a column
    assert fit(ids, [row_], least).short == frozenset()
    assert fit(ids, [row_], least - 1).short == frozenset({2})
    assert fit(ids, [row_], least - 1, wide=True).short == frozenset()
    narrow = fit(ids, [row_], 20)
    assert (narrow.shown, narrow.short) == ((0, 1), frozenset({0}))  # the correlation id hidden, not just short


def test_priority_one_is_never_hidden_even_past_the_width() -> None:
    out = Console(width=20, record=True, color_system=None, file=io.StringIO())
    table(out, "T", [Column("name", 1), Column("other", 2)], [["a-very-long-service-name", "x"]], "none")
    text = out.export_text()
    assert "a-very-long-service-name" in text
    assert hidden(text) == [["other"]]
