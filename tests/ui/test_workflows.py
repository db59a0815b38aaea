"""What an SRE does in the UI, end to end over the in-memory API: run an experiment and follow the
incident from Chaos to Detection to its chain in the Timeline, stop everything with the kill switch,
inject an ad-hoc fault, scale a service, toggle a flag, acknowledge an alert, give the API token."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Request, Route, expect

from tests.ui.conftest import restore_background_fault
from tests.ui.live import LiveServer
from tests.ui.pages import UiPage

pytestmark = pytest.mark.ui

EXPERIMENT = "cascading_failure"  # payments, 90 % errors on every provider: an EMERGENCY alert within seconds


@pytest.fixture
def calm(ui_server: LiveServer) -> Iterator[None]:
    """Leave the faults as the session expects them: only the background fault on inventory."""
    yield
    ui_server.run(lambda: ui_server.plane.stop_chaos())
    restore_background_fault(ui_server)


def test_an_experiment_run_from_chaos_alerts_in_detection_and_chains_in_the_timeline(
    ui: UiPage, api: Callable[[str], Any], calm: None
) -> None:
    ui.goto("chaos")
    ui.page.get_by_role("button", name=f"Run experiment {EXPERIMENT}").click()
    expect(ui.toast(f"{EXPERIMENT} started")).to_be_visible()
    fault = next(f for f in api("chaos/status")["active"] if f["experiment"] == EXPERIMENT)
    expect(ui.panel("active-faults").locator(f"tr[data-fault='{fault['fault_id']}']")).to_be_visible()
    row = ui.panel("experiments").locator(f"tr[data-experiment='{EXPERIMENT}']")
    expect(row.get_by_role("button", name=f"Run experiment {EXPERIMENT}")).to_be_disabled()
    expect(row).to_contain_text("Running")

    ui.navigate("detection")
    alert_row = ui.panel("alerts").locator("tr[data-service='payments']").first
    expect(alert_row).to_be_visible(timeout=20_000)
    ui.screenshot("flow-detection-alert")
    chain_link = alert_row.get_by_role("link", name=re.compile(r"^COR-"))
    correlation_id = chain_link.inner_text()

    chain_link.click()
    ui.wait_view("timeline")
    expect(ui.page).to_have_url(re.compile(rf"#/timeline\?correlation_id={correlation_id}$"))
    chain = ui.panel("chain").locator(f"[data-chain='{correlation_id}']")
    expect(chain.locator("li[data-topic='detection.alert_fired']").first).to_be_visible()
    expect(chain.locator("li[data-topic^='adaptation.']").first).to_be_visible(timeout=15_000)
    expect(chain.locator(".related-faults")).to_contain_text(fault["fault_id"])
    events = ui.panel("events").locator("tbody tr")
    assert events.count() >= 2
    for i in range(events.count()):
        expect(events.nth(i)).to_have_attribute("data-correlation", correlation_id)
    ui.screenshot("flow-timeline-chain")

    ui.navigate("chaos")
    ui.page.get_by_role("button", name="Stop all faults").click()
    expect(ui.toast(r"Stopped \d+ fault")).to_be_visible()
    expect(ui.panel("active-faults")).to_contain_text("No fault active")
    assert api("chaos/status")["active"] == []
    expect(ui.panel("recent-faults").locator(f"tr[data-key='{fault['fault_id']}']")).to_contain_text(
        "stopped by request"
    )
    ui.assert_clean()


def test_an_ad_hoc_fault_from_the_form_runs_until_stopped(ui: UiPage, api: Callable[[str], Any], calm: None) -> None:
    ui.goto("chaos")
    ui.page.get_by_label("Service", exact=True).select_option("notifications")
    ui.page.get_by_label("Fault", exact=True).select_option("latency")
    ui.page.get_by_label("Rate (≤ 0.9)", exact=True).fill("0.4")
    ui.page.get_by_label("Duration s (≤ 300)", exact=True).fill("120")
    ui.page.get_by_label("Delay ms", exact=True).fill("800")
    ui.page.get_by_role("button", name="Inject fault").click()
    expect(ui.toast("injected on notifications")).to_be_visible()
    fault = next(f for f in api("chaos/status")["active"] if f["service"] == "notifications")
    shape = (fault["fault_type"], fault["rate"], fault["duration_s"], fault["delay_ms"])
    assert shape == ("latency", 0.4, 120.0, 800.0)
    row = ui.panel("active-faults").locator(f"tr[data-fault='{fault['fault_id']}']")
    expect(row).to_contain_text("latency 40%")

    row.get_by_role("button", name=f"Stop fault {fault['fault_id']} on notifications").click()
    expect(ui.toast(f"Fault {fault['fault_id']} on notifications rolled back")).to_be_visible()
    expect(row).to_have_count(0)
    expect(ui.panel("recent-faults").locator(f"tr[data-key='{fault['fault_id']}']")).to_contain_text(
        "stopped by request"
    )
    assert [f["service"] for f in api("chaos/status")["active"]] == ["inventory"]  # the background fault runs on
    ui.assert_clean()


def test_a_recorded_experiment_run_shows_its_verdict(ui: UiPage, ui_server: LiveServer) -> None:
    record = {
        "id": "RUN-ui-1",
        "experiment": "inventory_degradation",
        "target": "inventory",
        "started_at": 1_800_000_000.0,
        "passed": False,
        "mttd_s": 4.0,
        "time_to_mitigate_s": 6.5,
        "mitigation": "adaptation.strategy_executed",
        "mttr_s": None,
        "correlation_id": "COR-run1",
        "expectations": [
            {"kind": "detected_within", "expected": "detected within 30 s", "passed": True, "detail": "4.0 s"},
            {"kind": "recovered_within", "expected": "recovered within 60 s", "passed": False, "detail": "never"},
        ],
    }
    assert httpx.post(f"{ui_server.url}/api/aref/chaos/runs", json=record).status_code == 201
    ui.goto("chaos")
    row = ui.panel("runs").locator("tr[data-run='RUN-ui-1']")
    expect(row).to_contain_text("Hypothesis failed")
    expect(row).to_contain_text("1 of 2 expectations")
    expect(row).to_contain_text("adaptation.strategy_executed")
    row.get_by_text("each expectation").click()
    expect(row.locator(".expectation-list li")).to_have_text(
        [re.compile("held detected within 30 s: 4.0 s$"), re.compile("failed recovered within 60 s: never$")]
    )
    ui.assert_clean()


def test_a_fault_beyond_the_safety_bounds_is_refused_with_the_reason(ui: UiPage, api: Callable[[str], Any]) -> None:
    ui.goto("chaos")
    before = len(api("chaos/status")["active"])
    rate = ui.page.get_by_label("Rate (≤ 0.9)", exact=True)
    rate.evaluate("(el) => el.removeAttribute('max')")  # past the browser's own check, to the API's
    rate.fill("0.95")
    ui.page.get_by_role("button", name="Inject fault").click()
    expect(ui.toast("Inject fault failed: .*rate")).to_be_visible()
    assert len(api("chaos/status")["active"]) == before
    assert all("status of 422" in e for e in ui.errors), ui.errors


def test_scaling_a_service_from_adaptation_changes_its_replicas(ui: UiPage, api: Callable[[str], Any]) -> None:
    # inventory: its background fault makes the autoscaler hold capacity, so the count stays where it is set;
    # a recovery earlier in the session may have scaled it out (recovery performs its T1 scale-out for real)
    ui.goto("adaptation")
    row = ui.panel("replicas").locator("tr[data-service='inventory']")
    start = api("adaptation")["replicas"]["inventory"]["running"]
    assert start < 3
    expect(row.locator("[data-running]")).to_have_text(str(start))
    ui.page.get_by_label("Service", exact=True).select_option("inventory")
    ui.page.get_by_label("Target replicas", exact=True).fill("3")
    ui.page.get_by_role("button", name="Scale").click()
    expect(ui.toast("inventory: target 3 replicas, 3 running")).to_be_visible()
    expect(row.locator("[data-target]")).to_have_text("3")
    expect(row.locator("[data-running]")).to_have_text("3")
    inventory = api("adaptation")["replicas"]["inventory"]
    assert (inventory["running"], inventory["target"], len(set(inventory["running_ids"]))) == (3, 3, 3)
    scaled = api("timeline?category=system&limit=1")["events"][0]["payload"]
    assert (scaled["service"], scaled["replicas"], scaled["actor"]) == ("inventory", 3, "human")
    ui.navigate("services")
    card = ui.page.locator(".service-card[data-service='inventory']")
    expect(card.locator("[data-stat='replicas'] dd")).to_contain_text("3 / 3")
    ui.screenshot("flow-services-scaled")

    ui.navigate("adaptation")
    ui.page.get_by_label("Service", exact=True).select_option("inventory")
    ui.page.get_by_label("Target replicas", exact=True).fill(str(start))
    ui.page.get_by_role("button", name="Scale").click()
    expect(ui.panel("replicas").locator("tr[data-service='inventory'] [data-running]")).to_have_text(str(start))
    ui.assert_clean()


def test_a_flag_switch_turns_the_feature_off_and_on(ui: UiPage, api: Callable[[str], Any]) -> None:
    name = "notifications.experimental"
    ui.goto("adaptation")
    switch = ui.page.get_by_role("switch", name=f"{name} enabled")
    expect(switch).to_be_checked()
    switch.click()
    expect(ui.toast(f"{name} is now off")).to_be_visible()
    expect(ui.page.get_by_role("switch", name=f"{name} enabled")).not_to_be_checked()
    flag = api("adaptation")["flags"][name]
    assert (flag["enabled"], flag["changed_by"]) == (False, "human")
    ui.page.get_by_role("switch", name=f"{name} enabled").click()
    expect(ui.toast(f"{name} is now on")).to_be_visible()
    assert api("adaptation")["flags"][name]["enabled"] is True
    ui.assert_clean()


def test_acknowledging_an_alert_marks_it_acknowledged(ui: UiPage, api: Callable[[str], Any]) -> None:
    firing = [a for a in api("alerts")["active"] if a["state"] == "firing"]
    assert firing, "the background fault keeps inventory alerts firing"
    alert = firing[0]
    ui.goto("detection")
    row = ui.panel("alerts").locator(f"tr[data-alert='{alert['id']}']")
    row.get_by_role("button", name=re.compile(f"^Acknowledge alert {alert['id']}")).click()
    expect(ui.toast(f"Alert {alert['id']} acknowledged")).to_be_visible()
    expect(row).to_contain_text("Acknowledged")
    expect(row.get_by_role("button", name=re.compile("^Acknowledge"))).to_be_disabled()
    acked = next(a for a in api("alerts")["active"] if a["id"] == alert["id"])
    assert acked["state"] == "acknowledged"
    ui.assert_clean()


def test_a_change_refused_for_want_of_a_token_asks_for_it_and_retries(ui: UiPage) -> None:
    seen: list[str | None] = []

    def guard(route: Route, request: Request) -> None:
        given = request.headers.get("authorization")
        seen.append(given)
        if given is None:
            route.fulfill(status=401, json={"error": "this request needs a token", "field": "Authorization"})
        elif given != "Bearer s3cret":
            route.fulfill(status=403, json={"error": "a wrong token", "field": "Authorization"})
        else:
            route.continue_()

    ui.goto("adaptation")
    ui.page.route("**/api/aref/services/*/scale", guard)
    ui.page.get_by_label("Service", exact=True).select_option("gateway")
    ui.page.get_by_label("Target replicas", exact=True).fill("1")
    ui.page.get_by_role("button", name="Scale").click()
    dialog = ui.page.get_by_role("dialog", name="API token needed")
    expect(dialog).to_be_visible()
    dialog.get_by_label("API token", exact=True).fill("nope")
    dialog.get_by_role("button", name="Use token").click()
    expect(ui.toast("a wrong token")).to_be_visible()  # refused once more: the change is not retried twice
    ui.page.get_by_role("button", name="Scale").click()
    expect(dialog).to_be_visible()  # the wrong token was dropped, so the next change asks again
    dialog.get_by_label("API token", exact=True).fill("s3cret")
    dialog.get_by_role("button", name="Use token").click()
    expect(ui.toast("gateway: target 1 replicas")).to_be_visible()
    assert seen == [None, "Bearer nope", None, "Bearer s3cret"]
    assert all("status of 401" in e or "status of 403" in e for e in ui.errors), ui.errors
