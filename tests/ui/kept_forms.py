"""Steps shared by the tests that text being written survives the lock: lock the app (in the
background, or after the profile's idle minutes), unlock it, and look at the files on disk."""

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mobile_app.store.database import database_files
from mobile_app.ui.controller import AppConfig
from mobile_app.ui.privacy import BACKGROUND_LOCK
from tests.ui.conftest import Driver, FakeClock, launch
from tests.ui.test_privacy_cover import lifecycle

KEPT_MESSAGE = "What you were writing is kept."
SCREENS = ("visit", "chronology", "summary", "review", "review_item", "trends", "history")
MORE = ("decision", "plan", "meeting", "notes", "dashboard", "overview")


def forgot_every_case(driver: Driver) -> bool:
    """True when the locked state holds no screen about a case (only the route and ids)."""
    return all(getattr(driver.state, name) is None for name in SCREENS + MORE)


async def unlock_to_where_i_was(driver: Driver, route: str) -> None:
    """Unlock: the screen open before the lock comes back; then go to the caseload, from
    where the tests reopen the form as a person would."""
    assert forgot_every_case(driver)
    await driver.unlock()
    assert driver.state.route == route
    driver.flows.app.show_caseload()
    await driver.fc.settle()
    assert driver.fc.has("screen.caseload")


async def lock_in_background_and_unlock(driver: Driver) -> None:
    """The phone goes to another app and back; the person unlocks to where they were."""
    route = driver.state.route
    await lifecycle(driver, "inactive")
    await lifecycle(driver, "hide")
    assert not driver.flows.app.device.unlocked
    await lifecycle(driver, "show")
    await lifecycle(driver, "resume")
    assert driver.fc.has("screen.unlock")
    assert driver.fc.value("message") == BACKGROUND_LOCK
    assert BACKGROUND_LOCK.endswith(KEPT_MESSAGE)
    await unlock_to_where_i_was(driver, route)


async def lock_when_idle_and_unlock(driver: Driver, clock: FakeClock) -> None:
    """The phone is left alone past the profile's idle minutes; the person unlocks."""
    route = driver.state.route
    clock.advance(minutes=6)
    await driver.fc.wait_for(lambda: driver.fc.has("screen.unlock"))
    assert driver.fc.value("message") == f"Locked after 5 minutes without use. {KEPT_MESSAGE}"
    await unlock_to_where_i_was(driver, route)


@asynccontextmanager
async def ticking(config: AppConfig) -> AsyncIterator[Driver]:
    """The seeded app with its idle check running often, so the auto-lock can be waited for."""
    driver = await launch(dataclasses.replace(config, tick_seconds=0.01))
    try:
        await driver.unlock()
        yield driver
    finally:
        driver.flows.app.device.lock()
        driver.fc.close()


def on_disk(driver: Driver) -> bytes:
    """Every byte of the device's database files (the database, its WAL and journal)."""
    folder = driver.flows.app.config.data_dir
    return b"".join(path.read_bytes() for path in database_files(folder) if path.exists())
