"""Every view of the web UI in Chromium over the in-memory API: its data rendered, no console error,
no unlabelled control, no silent empty panel; a screenshot of each under artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from aref.dashboard.routes.web import static_file
from aref.errors import NotFoundError
from tests.ui.checks import VIEW_CHECKS, unlabelled_controls
from tests.ui.conftest import RAY_DASHBOARD
from tests.ui.live import LiveServer
from tests.ui.pages import VIEWS, UiPage

pytestmark = pytest.mark.ui

SILENT_PANELS_JS = """() => [...document.querySelectorAll('.panel-body, .service-grid')]
  .filter((body) => !body.closest('[hidden]') && !body.textContent.trim() && !body.querySelector('canvas'))
  .map((body) => body.closest('[data-panel]')?.dataset.panel ?? body.className)"""


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_renders_the_api_data(ui: UiPage, api: Callable[[str], Any], view: str) -> None:
    ui.goto(view)
    VIEW_CHECKS[view](ui, api)
    assert unlabelled_controls(ui) == []
    assert ui.page.evaluate(SILENT_PANELS_JS) == []
    ui.screenshot(view)
    ui.assert_clean()


def test_the_nav_opens_every_view_in_one_page(ui: UiPage) -> None:
    ui.goto("overview")
    for view in VIEWS:
        ui.navigate(view)
        expect(ui.nav(view)).to_have_attribute("aria-current", "page")
        expect(ui.page.locator("[aria-current='page']")).to_have_count(1)
        expect(ui.page).to_have_title(re.compile(rf"^{view.capitalize()} · AREF"))
    ui.assert_clean()


def test_the_keyboard_moves_between_views_with_a_visible_focus(ui: UiPage) -> None:
    ui.goto("overview")
    ui.nav("overview").focus()
    ui.page.keyboard.press("Tab")
    focused = ui.page.evaluate("document.activeElement.dataset.view")
    assert focused == "detection"
    outline = ui.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    ui.page.keyboard.press("Enter")
    ui.wait_view("detection")
    assert ui.page.evaluate("document.activeElement.matches('[data-view-title]')")
    ui.assert_clean()


def test_the_ray_dashboard_link_comes_from_the_settings(ui: UiPage) -> None:
    ui.goto("overview")
    expect(ui.page.locator("#ray-link")).to_have_attribute("href", RAY_DASHBOARD)
    expect(ui.page.locator("[data-ray-link]")).to_have_attribute("href", RAY_DASHBOARD)
    ui.assert_clean()


def test_the_risk_profile_switch_shows_the_crs_of_that_profile(ui: UiPage, api: Callable[[str], Any]) -> None:
    ui.goto("overview")
    ui.page.get_by_label("Risk profile", exact=True).select_option("innovation_heavy")
    expect(ui.page).to_have_url(re.compile(r"#/overview\?profile=innovation_heavy$"))
    expect(ui.panel("crs").locator(".crs-profile")).to_have_text("Profile: Innovation heavy")

    def agrees() -> bool:
        wanted = f"{api('maturity?profile=innovation_heavy')['crs']:.2f}"
        return ui.page.get_by_test_id("crs-value").inner_text() == wanted

    ui.eventually(agrees, what="the gauge to show the innovation_heavy CRS")
    expect(ui.panel("crs").locator("tr.current th")).to_have_text("Innovation heavy")
    ui.assert_clean()


def test_a_lost_api_shows_a_banner_until_it_answers_again(ui: UiPage) -> None:
    ui.goto("services")
    ui.page.route("**/api/aref/**", lambda route: route.abort())
    banner = ui.page.locator("#banner")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("Cannot reach the AREF API")
    expect(ui.page.locator("#statusbar [data-status='conn']")).to_have_text("✖ API unreachable")
    expect(ui.page.locator(".service-card").first).to_be_visible()  # the last data stays on screen
    ui.screenshot("api-unreachable")
    ui.page.unroute("**/api/aref/**")
    expect(banner).to_be_hidden(timeout=10_000)
    assert all("Failed to load resource" in e for e in ui.errors), ui.errors


def test_static_files_are_served_with_their_types(ui_server: LiveServer) -> None:
    base = f"{ui_server.url}/static"
    module = httpx.get(f"{base}/js/app.js")
    assert (module.status_code, module.headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert module.headers["cache-control"] == "no-cache"
    licence = httpx.get(f"{base}/vendor/uplot/LICENSE")
    assert (licence.status_code, licence.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    assert "MIT License" in licence.text
    missing = httpx.get(f"{base}/js/missing.js")
    assert (missing.status_code, missing.json()["error"]) == (404, "unknown static file: 'js/missing.js'")
    config = httpx.get(f"{ui_server.url}/ui/config").json()
    assert config == {"ray_dashboard_url": RAY_DASHBOARD, "tick_seconds": 0.5}


@pytest.mark.parametrize("path", ["../app.py", "js/../../app.py", "", "js", ".hidden", "js/.hidden.js", "x.py"])
def test_static_paths_outside_the_ui_files_are_not_found(tmp_path: Path, path: str) -> None:
    root = tmp_path / "static"
    (root / "js").mkdir(parents=True)
    (root / ".hidden").write_text("secret")
    (root / "js" / ".hidden.js").write_text("secret")
    (root / "x.py").write_text("print()")
    (tmp_path / "app.py").write_text("print()")
    with pytest.raises(NotFoundError):
        static_file(path, root)


def test_a_static_path_inside_the_ui_files_is_found(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text("export {};")
    assert static_file("js/app.js", tmp_path) == (tmp_path / "js" / "app.js").resolve()
