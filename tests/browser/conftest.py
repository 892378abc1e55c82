"""Browser fixtures: headless Debian Chromium driven by Playwright, the real server process, and
the field app's web build as child processes.

Without Chromium or Playwright these tests skip on a developer's machine and FAIL in CI
(CI=true): there, a browser test that did not run is a broken pipeline, not a pass.
"""

import fcntl
import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.processes import ARTIFACTS, AppProcess, keep_log

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.browser.driver import FletPage

CHROMIUM = Path(os.environ.get("DOORSTEP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives the app's web build in headless Chromium (Playwright)"
    )


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed: run scripts/setup (it installs the dev group)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not at {CHROMIUM}: apt-get install -y chromium"
    return None


# Module scope, not session: Playwright's sync API keeps an event loop running in this thread
# until it stops, and every async test collected after this module needs the thread free.
@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    """Headless Debian Chromium (never a browser Playwright downloads)."""
    reason = missing_browser()
    if reason and in_ci():
        pytest.fail(f"{reason}. CI must run the browser tests.", pytrace=False)
    if reason:
        pytest.skip(f"{reason} (in CI this is a failure)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (optional until here)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    """test-artifacts/browser/: this run's screenshots (earlier runs' are removed).

    Under pytest-xdist each worker asks for this: the first of a run clears the folder (under a
    lock, noting the run's id in it), and the others keep what it already holds.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")  # the same in every worker of a run
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    marker = ARTIFACTS / ".run"
    with (ARTIFACTS.parent / ".browser.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not run or not marker.exists() or marker.read_text(encoding="utf-8") != run:
            shutil.rmtree(ARTIFACTS, ignore_errors=True)
            ARTIFACTS.mkdir()
            marker.write_text(run, encoding="utf-8")
    return ARTIFACTS


@pytest.fixture
def start_apps(tmp_path: Path) -> Iterator[Callable[..., list[AppProcess]]]:
    """Start app instances side by side (each a device with its own data folder) against
    one server; every one stops at the end."""
    started: list[AppProcess] = []

    def start(server_url: str, *names: str) -> list[AppProcess]:
        apps = [AppProcess(tmp_path / name, server_url) for name in names]
        started.extend(apps)
        for app in apps:
            app.launch()
        return [app.ready() for app in apps]

    yield start
    for app in started:
        app.stop()
        keep_log(app.log, f"{app.folder.name}-app.log")


@pytest.fixture
def open_page(browser: "Browser", shots: Path) -> Iterator[Callable[..., Any]]:
    """Open a browser tab on an app instance; every tab closes at the end."""
    from tests.browser.driver import FletPage  # noqa: PLC0415 (needs Playwright)

    pages: list[FletPage] = []

    def open_page(app: AppProcess, name: str, *, android: bool = False) -> "FletPage":
        page = FletPage(browser, app.url, shots, name, android=android)
        pages.append(page)
        page.open()
        return page

    yield open_page
    for page in pages:
        page.close()
