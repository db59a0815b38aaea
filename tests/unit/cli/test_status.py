"""``aref status``, ``pillars`` and ``maturity`` against the real API over the in-memory engines."""

from __future__ import annotations

import asyncio

from aref.cli.status import PILLARS, headline
from aref.control.plane import ControlPlane
from tests.unit.cli.conftest import Harness, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run


def test_status_shows_crs_alerts_recoveries_chaos_and_levels(harness: Harness, plane: ControlPlane) -> None:
    run(plane.start_experiment("cascading_failure"))
    run_traffic(plane, harness.clock, 5)
    data = run(plane.status())
    result = harness.invoke("status")
    assert result.exit_code == 0
    out = result.output
    assert f"CRS {data['crs']:.2f} / 5 ({data['crs_percent']:.0f}%) under the balanced profile" in out
    counts = data["alerts"]
    assert f"alerts {counts['open']} open ({counts['firing']} firing, 0 acknowledged; emergency 1)" in out
    assert f"recoveries {data['active_recoveries']} active" in out
    assert "chaos 1 active faults (services: payments)" in out
    assert "runtime SIMULATED in this process: a simulated fleet and shop stand in for Serve" in out
    for name, score in data["pillars"].items():
        assert row(out.replace("│", ""), name) == [name, f"L{score['level']}", score["label"]]


def test_status_json_is_the_status_view(harness: Harness, plane: ControlPlane) -> None:
    assert harness.json("status") == run(plane.status())


def test_pillars_lists_levels_with_what_each_pillar_is_doing(harness: Harness, plane: ControlPlane) -> None:
    run(plane.start_experiment("cascading_failure"))
    run_traffic(plane, harness.clock, 5)
    out = harness.invoke("pillars").output
    levels = run(plane.status())["pillars"]
    assert row(out, "detection") == [
        "detection",
        f"L{levels['detection']['level']}",
        levels["detection"]["label"],
        "1 open alert from 5 detectors",  # the fault's burn pages nobody: the threshold alert alone
    ]
    assert row(out, "recovery")[3] == "1 active, 0 recovered, 3 runbooks"
    assert row(out, "absorption")[3].endswith("degraded: payments (emergency)")


def test_pillars_json_holds_every_pillar_view(harness: Harness, plane: ControlPlane) -> None:
    views = harness.json("pillars")
    assert list(views) == list(PILLARS)
    assert views["recovery"] == run(plane.recovery())


def test_headlines_count_from_the_views() -> None:
    absorption = {
        "breakers": {"a->b": {"state": "open"}, "a->c": {"state": "half_open"}, "b->c": {"state": "closed"}},
        "degradation": {"a": {"tier": "full"}, "b": {"tier": "reduced"}},
    }
    assert headline("absorption", absorption) == "2 of 3 breakers not closed; degraded: b (reduced)"
    adaptation = {"flags": {"x": {"enabled": False}, "y": {"enabled": True}}, "adaptations": [{}, {}, {}]}
    assert headline("adaptation", adaptation) == "1 of 2 flags off, 3 adaptations logged"
    evolution = {"reviews": {"total": 4}, "actions": {"open": 2, "total": 7}}
    assert headline("evolution", evolution) == "4 reviews, 2 open of 7 action items"


def test_maturity_shows_levels_gaps_and_crs_per_profile(harness: Harness, plane: ControlPlane) -> None:
    data = run(plane.maturity("availability_critical"))
    out = harness.invoke("maturity", "--profile", "availability_critical").output
    assert f"CRS {data['crs']:.2f} / 5 ({data['crs_percent']:.0f}%) under the availability_critical profile" in out
    detection = data["pillars"]["detection"]
    assert row(out, "detection") == [
        "detection",
        f"L{detection['level']}",
        detection["label"],
        str(detection["next_level"]),
        ", ".join(g["description"] for g in detection["gaps"]),
    ]
    for profile, crs in data["crs_by_profile"].items():
        assert row(out, profile) == [profile, f"{crs:.2f}"]


def test_maturity_refuses_an_unknown_profile_before_calling(harness: Harness) -> None:
    result = harness.invoke("maturity", "--profile", "yolo")
    assert result.exit_code == 2
    assert "'yolo' is not one of" in result.output


def test_maturity_json_follows_the_profile(harness: Harness) -> None:
    assert harness.json("maturity", "--profile", "innovation_heavy")["profile"] == "innovation_heavy"
    assert harness.json("maturity")["profile"] == "balanced"
