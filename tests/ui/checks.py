"""What every view must show, checked the same way against the in-memory API and the real stack.

``VIEW_CHECKS[view](ui, api)`` asserts that the view rendered the data the API holds (``api`` is a
JSON getter for ``/api/aref/<path>``), beyond "the page loaded": counts of rows against the API's
own lists, named rows present, charts drawn. ``unlabelled_controls`` lists form controls a screen
reader could not name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.ui.pages import UiPage

Api = Callable[[str], Any]
SEVERAL_SAMPLES = re.compile(r"^([4-9]|\d{2,})$")  # a chart with a line, not a dot: 4+ samples

UNLABELLED_JS = """() => [...document.querySelectorAll('main input, main select, main button, main textarea')]
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
  .map((el) => el.outerHTML.slice(0, 120))"""


def unlabelled_controls(ui: UiPage) -> list[str]:
    result: list[str] = ui.page.evaluate(UNLABELLED_JS)
    return result


def agree(ui: UiPage, what: str, shown: Callable[[], object], held: Callable[[], object]) -> None:
    """The page shows what the API holds, allowing for the 2-s poll of a system that keeps moving."""
    ui.eventually(lambda: shown() == held(), what=f"the page to show {what} as the API does")


def keys(ui: UiPage, panel: str, attribute: str) -> set[str]:
    """The ``data-<attribute>`` values of the rows or cards a panel shows."""
    found: list[str] = (
        ui.panel(panel)
        .locator(f"[data-{attribute}]")
        .evaluate_all(f"(els) => els.map((el) => el.dataset['{attribute}'])")
    )
    return set(found)


def attribute_map(ui: UiPage, panel: str, key: str, value: str) -> dict[str, str]:
    """``data-<key>`` -> ``data-<value>`` of the rows a panel shows."""
    pairs: list[list[str]] = (
        ui.panel(panel)
        .locator(f"[data-{key}]")
        .evaluate_all(f"(els) => els.map((el) => [el.dataset['{key}'], el.dataset['{value}']])")
    )
    return dict(pairs)


def check_overview(ui: UiPage, api: Api) -> None:
    gauge = ui.page.get_by_test_id("crs-value")
    expect(gauge).to_have_text(re.compile(r"^\d\.\d\d$"))
    agree(ui, "the CRS", gauge.inner_text, lambda: f"{api('maturity')['crs']:.2f}")
    levels = ui.panel("pillars").locator("[data-pillar] .pillar-level")
    agree(
        ui,
        "the pillar levels",
        lambda: [t.split()[0] for t in levels.all_inner_texts()],
        lambda: [f"L{p['level']}" for p in api("maturity")["pillars"].values()],
    )
    expect(ui.panel("headline").locator("[data-stat='availability'] dd")).to_contain_text("%")
    agree(
        ui, "the open alerts", lambda: keys(ui, "incidents", "key"), lambda: {a["id"] for a in api("alerts")["active"]}
    )
    if not keys(ui, "incidents", "key"):
        expect(ui.panel("incidents")).to_contain_text("No active alerts")


def check_detection(ui: UiPage, api: Api) -> None:
    slos = api("detection")["detectors"]["slo_burn"]["slos"]
    expect(ui.panel("slos").locator("tbody tr")).to_have_count(len(slos))
    agree(
        ui, "the active alerts", lambda: keys(ui, "alerts", "alert"), lambda: {a["id"] for a in api("alerts")["active"]}
    )
    if not keys(ui, "alerts", "alert"):
        expect(ui.panel("alerts")).to_contain_text("No alerts firing")
    expect(ui.panel("telemetry").locator(".uplot canvas")).to_have_count(2, timeout=15_000)
    for chart in ui.panel("telemetry").locator(".chart").all():
        expect(chart).to_have_attribute("data-points", SEVERAL_SAMPLES, timeout=15_000)


def check_absorption(ui: UiPage, api: Api) -> None:
    status = api("absorption")
    expect(ui.panel("degradation").locator("tbody tr")).to_have_count(len(status["degradation"]))
    expect(ui.panel("blast-radius").locator("tbody tr")).to_have_count(len(status["blast_radius"]["services"]))
    agree(
        ui,
        "every breaker's state",
        lambda: attribute_map(ui, "breakers", "edge", "state"),
        lambda: {edge: b["state"] for edge, b in api("absorption")["breakers"].items()},
    )


def check_adaptation(ui: UiPage, api: Api) -> None:
    status = api("adaptation")
    agree(ui, "the services", lambda: keys(ui, "replicas", "service"), lambda: set(status["replicas"]))
    agree(
        ui,
        "every flag's state",
        lambda: dict(
            ui.panel("flags")
            .get_by_role("switch")
            .evaluate_all("(els) => els.map((el) => [el.dataset.flag, el.checked])")
        ),
        lambda: {name: f["enabled"] for name, f in api("adaptation")["flags"].items()},
    )
    if not api("adaptation")["adaptations"]:
        expect(ui.panel("adaptation-log")).to_contain_text("No adaptation yet")


def check_recovery(ui: UiPage, api: Api) -> None:
    status = api("recovery")
    expect(ui.panel("runbooks").locator("details.runbook")).to_have_count(len(status["runbooks"]))
    expect(ui.panel("tiers").locator("tbody tr")).to_have_count(len(status["tiers"]))
    agree(
        ui,
        "the active recoveries",
        lambda: keys(ui, "active-recoveries", "recovery"),
        lambda: {r["recovery_id"] for r in api("recovery")["active"]},
    )
    cards = ui.panel("active-recoveries").locator("[data-recovery]")
    if cards.count():
        expect(cards.first.locator(".tier-step.current")).to_have_count(1)
    else:
        expect(ui.panel("active-recoveries")).to_contain_text("No recovery running")


def check_evolution(ui: UiPage, api: Api) -> None:
    agree(
        ui,
        "the reviews",
        lambda: keys(ui, "reviews", "review"),
        lambda: {r["review_id"] for r in api("evolution")["reviews"]["recent"]},
    )
    if not keys(ui, "reviews", "review"):
        expect(ui.panel("reviews")).to_contain_text("No review yet")
    expect(ui.panel("actions")).not_to_be_empty()
    expect(ui.panel("knowledge")).not_to_be_empty()


def check_services(ui: UiPage, api: Api) -> None:
    services = api("services")["services"]
    expect(ui.page.locator(".service-card")).to_have_count(len(services))

    def replicas_shown() -> dict[str, str]:
        cards = ui.page.locator(".service-card")
        names = cards.evaluate_all("(els) => els.map((el) => el.dataset.service)")
        counts = cards.locator("[data-stat='replicas'] dd").evaluate_all("(els) => els.map((el) => el.firstChild.data)")
        return dict(zip(names, counts, strict=True))

    def replicas_held() -> dict[str, str]:
        views = api("services")["services"]
        return {s["name"]: f"{s['replicas']['running']} / {s['replicas']['target']}" for s in views}

    agree(ui, "the replica counts", replicas_shown, replicas_held)
    for service in services:
        card = ui.page.locator(f".service-card[data-service='{service['name']}']")
        expect(card.locator(".service-head .badge")).to_have_text(re.compile(r"(Healthy|Degraded|Critical|Down)$"))
        expect(card.locator("[data-stat='error-rate'] dd")).to_have_text(re.compile(r"^(\d+\.\d%|—)"))
    expect(ui.panel("rps").locator(".chart")).to_have_attribute("data-points", SEVERAL_SAMPLES, timeout=15_000)


def check_chaos(ui: UiPage, api: Api) -> None:
    experiments = api("chaos/experiments")["experiments"]
    agree(
        ui, "the experiments", lambda: keys(ui, "experiments", "experiment"), lambda: {x["name"] for x in experiments}
    )
    agree(
        ui,
        "the active faults",
        lambda: keys(ui, "active-faults", "fault"),
        lambda: {f["fault_id"] for f in api("chaos/status")["active"]},
    )
    if not keys(ui, "active-faults", "fault"):
        expect(ui.panel("active-faults")).to_contain_text("No fault active")
    agree(
        ui, "the experiment runs", lambda: keys(ui, "runs", "run"), lambda: {r["id"] for r in api("chaos/runs")["runs"]}
    )
    expect(ui.page.get_by_role("button", name="Stop all faults")).to_be_enabled()


def check_timeline(ui: UiPage, api: Api) -> None:
    rows = ui.panel("events").locator("tbody tr")
    if api("timeline?limit=1")["matched"]:
        expect(rows.first).to_have_attribute("data-topic", re.compile(r"^[a-z]+\.[a-z_]+$"))
        assert 1 <= rows.count() <= 100
        shown = re.compile(r"[\d,]+ shown of [\d,]+ matching")  # 1,495: thousands are grouped
        expect(ui.panel("events").locator(".panel-note")).to_contain_text(shown)
        expect(ui.panel("events").locator(".chip").first).to_be_visible()
    else:
        expect(ui.panel("events")).to_contain_text("No event matches")


VIEW_CHECKS: dict[str, Callable[[UiPage, Api], None]] = {
    "overview": check_overview,
    "detection": check_detection,
    "absorption": check_absorption,
    "adaptation": check_adaptation,
    "recovery": check_recovery,
    "evolution": check_evolution,
    "services": check_services,
    "chaos": check_chaos,
    "timeline": check_timeline,
}
