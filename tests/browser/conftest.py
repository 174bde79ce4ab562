"""Fixtures of the browser tests: an embedded stack serving the form, and Debian's Chromium.

Playwright drives the distribution's Chromium (`/usr/bin/chromium`, installed by
`make browser-deps`) and never downloads a browser of its own.
"""

import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from local.stack import LocalStack, StackOptions

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Short deadlines so a missed correction or review shows within a test run.
TEST_DEADLINES = {"unit": "seconds", "correction": 30, "review": {"default": 30}}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
PAGE_TIMEOUT_MS = 15_000


def chromium_executable() -> str:
    """Return the Chromium executable: $GOSO_CHROMIUM, else `chromium` on PATH. Fail when it is absent."""
    configured = os.environ.get("GOSO_CHROMIUM")
    path = configured or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(
            f"Chromium not found at {path}: run `make browser-deps` (Debian package chromium) or set GOSO_CHROMIUM"
        )
    return path


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """An embedded stack per test module, serving the form from web/ on its API origin."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    deadlines = tmp_path_factory.mktemp("deadlines") / "deadlines.json"
    deadlines.write_text(json.dumps(TEST_DEADLINES))
    local_stack = LocalStack(StackOptions(deadlines_file=deadlines)).start()
    yield local_stack
    local_stack.stop()


@pytest.fixture(scope="session")
def playwright_driver():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def page(playwright_driver, tmp_path) -> Page:
    """A page of a Chromium started for this test alone, with a fresh user data directory."""
    context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "chromium-profile"),
        executable_path=chromium_executable(),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1024, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"uncaught JavaScript errors: {errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
