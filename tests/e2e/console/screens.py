"""Driving the console's screens with Playwright: what a CRM operator clicks, and what they see."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Locator, Page, expect

LOAD_TIMEOUT_MS = 30_000


# Chromium logs every 4xx answer to fetch as an error; a 409 or 422 is an answer the screen
# shows the operator (validation, refused delete), not an error of the page.
_ANSWERED = re.compile(r"^Failed to load resource: .* status of (401|409|422)\b")


@dataclass
class ConsoleErrors:
    """Every console error and uncaught exception of a page."""

    seen: list[str] = field(default_factory=list)

    @classmethod
    def watch(cls, page: Page) -> ConsoleErrors:
        errors = cls()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not _ANSWERED.match(message.text):
                errors.seen.append(f"{message.text} ({message.location.get('url', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda e: errors.seen.append(f"uncaught: {e}"))
        return errors


@dataclass
class Console:
    page: Page
    base_url: str
    artifacts: Path
    downloads: Path

    def open(self, fragment: str) -> None:
        """Go to a screen by its address (#/segments...) and wait until it has loaded."""
        self.page.goto(f"{self.base_url}/{fragment}")
        self.loaded()

    def log_in(self, key: str) -> None:
        """Sign in on the login screen with ``key``; the console then shows the home screen."""
        self.try_key(key)
        self.page.wait_for_url(re.compile(r"#/segments$"), timeout=LOAD_TIMEOUT_MS)
        self.loaded()

    def try_key(self, key: str) -> None:
        """Paste ``key`` on the login screen and submit it."""
        self.page.goto(f"{self.base_url}/#/login")
        self.loaded()
        self.page.get_by_label("API key").fill(key)
        self.page.get_by_role("button", name="Sign in").click()

    def loaded(self) -> None:
        self.page.wait_for_selector("main[data-loaded=true]", timeout=LOAD_TIMEOUT_MS)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)

    # home ----------------------------------------------------------------------------------
    def panel(self, name: str) -> Locator:
        return self.page.locator(f'li.panel[data-name="{name}"]')

    def panel_count(self, name: str, expected: int, timeout_ms: int = 60_000) -> None:
        """The panel shows ``expected`` players (polled: the home follows the stream)."""
        expect(self.panel(name)).to_have_attribute("data-count", str(expected), timeout=timeout_ms)

    def menu(self, name: str, entry: str) -> None:
        """Open the three-dots menu of a panel and choose ``entry``."""
        self.panel(name).get_by_role("button", name=f"Menu of {name}").click()
        self.panel(name).get_by_role("menuitem", name=entry).click()

    # rule builder ------------------------------------------------------------------------
    def add_reference(self, block: str, name: str) -> None:
        """Add rule in the Include or Exclude block; search the picker by name; Enter picks."""
        section = self.page.locator(f"section.block.{block}")
        section.locator("button.add-rule").last.click()
        search = section.locator(".picker-pop:not([hidden]) input[type=search]")
        search.fill(name)
        search.press("Enter")

    # results table -------------------------------------------------------------------------
    def wait_table(self) -> None:
        self.page.wait_for_selector("section.results:not([aria-busy])", timeout=LOAD_TIMEOUT_MS)

    def headers(self) -> list[str]:
        return [t.strip(" ▲▼") for t in self.page.locator("table.grid thead th").all_inner_texts()]

    def rows(self) -> list[list[Any]]:
        """Raw values of the shown rows (None for a masked or missing cell)."""
        cells = self.page.locator("section.results table.grid tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.dataset.value ?? null))"
        )
        return [[None if c is None else json.loads(c) for c in row] for row in cells]

    def shown(self) -> list[list[str]]:
        return self.page.locator("section.results table.grid tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )

    def set_columns(self, *, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> None:
        """Column Settings: tick and untick Available Fields by field name."""
        self.page.get_by_role("button", name="Column Settings").click()
        settings = self.page.locator("fieldset.column-settings")
        for name in add:
            settings.locator(f'input[data-field="{name}"]').check()
            self.wait_table()
        for name in remove:
            settings.locator(f'input[data-field="{name}"]').uncheck()
            self.wait_table()
        self.page.get_by_role("button", name="Column Settings").click()

    def sort_by(self, label: str, order: str) -> None:
        """Click the column's header until it sorts ``order`` (ascending/descending)."""
        starts = re.compile(f"^{re.escape(label)}")
        header = self.page.locator("table.grid thead th").filter(has_text=starts)
        for _ in range(2):
            if header.get_attribute("aria-sort") == order:
                return
            header.get_by_role("button").click()
            self.wait_table()
        expect(header).to_have_attribute("aria-sort", order)

    def download_csv(self, name: str) -> bytes:
        with self.page.expect_download(timeout=120_000) as info:
            self.page.get_by_role("button", name="Download CSV").click()
        path = self.downloads / name
        info.value.save_as(path)
        return path.read_bytes()
