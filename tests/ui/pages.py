"""Browser helpers shared by the UI suites: Debian's Chromium through Playwright, and one page per test.

``UiPage`` opens views by hash route, collects every console error and uncaught page error, and
saves screenshots under ``artifacts/screenshots/`` (git-ignored). Chromium is the system one
(``apt-get install chromium``); Playwright's own browser download is never used.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWS = ("overview", "detection", "absorption", "adaptation", "recovery", "evolution", "services", "chaos", "timeline")
VIEWPORT: ViewportSize = {"width": 1440, "height": 900}
expect.set_options(timeout=10_000)  # a poll every 2 s: allow a few before failing


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: apt-get install -y chromium (the UI tests drive Debian's Chromium)")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


@dataclass
class UiPage:
    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)

    @classmethod
    @contextmanager
    def open_in(cls, browser: Browser, base_url: str) -> Iterator[UiPage]:
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
        page = context.new_page()
        page.set_default_timeout(15_000)
        ui = cls(page, base_url.rstrip("/"))
        page.on("console", ui._on_console)
        page.on("pageerror", lambda exc: ui.errors.append(f"pageerror: {exc}"))
        try:
            yield ui
        finally:
            context.close()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def goto(self, view: str, query: str = "") -> None:
        """Load the page at ``#/view?query`` and wait until the view's heading shows."""
        self.page.goto(f"{self.base_url}/#/{view}{'?' + query if query else ''}")
        self.wait_view(view)

    def navigate(self, view: str) -> None:
        """Go to a view through the nav, as a user does."""
        self.nav(view).click()
        self.wait_view(view)

    def wait_view(self, view: str) -> None:
        expect(self.page.locator("main")).to_have_attribute("data-view", view)
        expect(self.page.locator("[data-view-title]")).to_be_visible()
        expect(self.page.locator("#statusbar [data-status='conn']")).to_contain_text("Live")

    def nav(self, view: str) -> Locator:
        return self.page.locator(f"#nav-list a[data-view='{view}']")

    def panel(self, panel_id: str) -> Locator:
        return self.page.locator(f"[data-panel='{panel_id}']")

    def screenshot(self, name: str) -> Path:
        """The whole page in a window as tall as the page, so the sticky status bar sits at its foot."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.evaluate("document.getElementById('toasts').replaceChildren()")  # transient overlays
        height = int(self.page.evaluate("document.documentElement.scrollHeight"))
        self.page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size(VIEWPORT)
        return path

    def toast(self, pattern: str) -> Locator:
        return self.page.locator("#toasts [data-toast]", has_text=re.compile(pattern))

    def eventually(self, check: Callable[[], bool], *, what: str, timeout: float = 20.0) -> None:
        """Poll ``check`` (between short waits of the page) until it holds."""
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s")
            self.page.wait_for_timeout(250)

    def assert_clean(self) -> None:
        assert self.errors == [], "the page logged errors:\n" + "\n".join(self.errors)
