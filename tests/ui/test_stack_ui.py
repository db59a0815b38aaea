"""The web UI over the real stack (Ray Serve, http://127.0.0.1:8000), the same checks at a smaller scale:
every view opens with its data and no console error; an experiment run from Chaos alerts in Detection
and chains in the Timeline; scaling from Adaptation changes the real Serve replica count.

Uses the session ``stack`` fixture (tests/conftest.py), so it is also marked ``e2e``; orders flow
through the gateway while it runs, as in tests/e2e/test_incident.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.integration.helpers import api, order_traffic, running_ids
from tests.stack import HTTP, Stack, wait_for
from tests.ui.checks import VIEW_CHECKS
from tests.ui.pages import VIEWS, UiPage

pytestmark = [pytest.mark.ui, pytest.mark.e2e]

EXPERIMENT = "cascading_failure"  # every provider fails: payment_provider_failure now fails over
SCALED = "notifications"


@pytest.fixture(scope="module")
def orders(stack: Stack) -> Iterator[list[int]]:
    """Orders through the gateway while this module runs (bounded: 3000 orders)."""
    with order_traffic(3000) as statuses:
        wait_for(lambda: len(statuses) >= 10, timeout=60, what="baseline orders")
        yield statuses


@pytest.fixture
def stack_api(stack: Stack) -> Callable[[str], Any]:
    def get(path: str) -> Any:
        reply = api("GET", f"/api/aref/{path}")
        reply.raise_for_status()
        return reply.json()

    return get


@pytest.fixture
def stack_ui(browser: Browser, stack: Stack, orders: list[int]) -> Iterator[UiPage]:
    with UiPage.open_in(browser, HTTP) as page:
        yield page


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_opens_on_the_stack(stack_ui: UiPage, stack_api: Callable[[str], Any], view: str) -> None:
    stack_ui.goto(view)
    VIEW_CHECKS[view](stack_ui, stack_api)
    stack_ui.screenshot(f"stack-{view}")
    stack_ui.assert_clean()


def test_an_experiment_from_chaos_alerts_in_detection_and_chains_in_the_timeline(
    stack_ui: UiPage, stack_api: Callable[[str], Any]
) -> None:
    ui = stack_ui
    ui.goto("chaos")
    ui.page.get_by_role("button", name=f"Run experiment {EXPERIMENT}").click()
    expect(ui.toast(f"{EXPERIMENT} started")).to_be_visible()
    try:
        ui.navigate("detection")
        alert_row = ui.panel("alerts").locator("tr[data-service='payments']").first
        expect(alert_row).to_be_visible(timeout=60_000)
        chain_link = alert_row.get_by_role("link", name=re.compile(r"^COR-"))
        correlation_id = chain_link.inner_text()
        chain_link.click()
        ui.wait_view("timeline")
        chain = ui.panel("chain").locator(f"[data-chain='{correlation_id}']")
        expect(chain.locator("li[data-topic='detection.alert_fired']").first).to_be_visible()
        acted = chain.locator("li[data-topic^='adaptation.'], li[data-topic^='absorption.']")
        expect(acted.first).to_be_visible(timeout=30_000)
        ui.screenshot("stack-flow-timeline-chain")
    finally:
        ui.navigate("chaos")
        ui.page.get_by_role("button", name="Stop all faults").click()
    expect(ui.panel("active-faults")).to_contain_text("No fault active", timeout=15_000)
    assert stack_api("chaos/status")["active"] == []
    assert all("status of" not in e for e in ui.errors), ui.errors


def test_scaling_from_adaptation_changes_the_real_replica_count(
    stack_ui: UiPage, stack_api: Callable[[str], Any]
) -> None:
    ui = stack_ui
    before = stack_api("adaptation")["replicas"][SCALED]["target"]
    wanted = before + 1 if before < 4 else before - 1
    ui.goto("adaptation")
    row = ui.panel("replicas").locator(f"tr[data-service='{SCALED}']")

    def scale_to(count: int) -> None:
        ui.page.get_by_label("Service", exact=True).select_option(SCALED)
        ui.page.get_by_label("Target replicas", exact=True).fill(str(count))
        ui.page.get_by_role("button", name="Scale").click()
        expect(ui.toast(f"{SCALED}: target {count} replicas")).to_be_visible()
        expect(row.locator("[data-target]")).to_have_text(str(count))
        expect(row.locator("[data-running]")).to_have_text(str(count), timeout=90_000)
        wait_for(lambda: len(running_ids(SCALED)) == count, timeout=30, what=f"{count} RUNNING {SCALED} replicas")

    scale_to(wanted)
    ui.screenshot("stack-flow-adaptation-scaled")
    scale_to(before)
    ui.assert_clean()
