"""Headless Chromium (Debian's, through Playwright) on the console of the replayed stack.

One stack and one replay for the module (``replayed`` of tests/e2e/conftest.py); one browser
and one browser profile for the module; a fresh page per test, signed in with the stack's admin
key, which fails on any browser console error.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.console.screens import Console, ConsoleErrors
from tests.e2e.pipeline import Pipeline

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "console"
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for this module only: Playwright's sync API runs an event loop in this thread
    while it is open, which the asyncio tests after this module must not find."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium (./dev test does it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    # Screenshots of an earlier run would pass for this run's.
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def operator(browser: object) -> Iterator[object]:
    """One browser profile for the module: Column Settings persist across its screens."""
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)  # type: ignore[attr-defined]
    yield context
    context.close()


@pytest.fixture
def console(
    operator: object, replayed: Pipeline, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Console]:
    """A page of the console at laptop width; console errors fail the test at its end."""
    page = operator.new_page()  # type: ignore[attr-defined]
    errors = ConsoleErrors.watch(page)
    screen = Console(page=page, base_url=replayed.stack.console_url, artifacts=ARTIFACTS,
                     downloads=tmp_path)  # fmt: skip
    screen.log_in(replayed.stack.admin_key)
    try:
        yield screen
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
        page.close()
    assert not errors.seen, f"browser console errors: {errors.seen}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
