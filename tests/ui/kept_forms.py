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


async def lock_in_background_and_unlock(driver: Driver) -> None:
    """The phone goes to another app and back; the person unlocks to the caseload."""
    await lifecycle(driver, "inactive")
    await lifecycle(driver, "hide")
    assert not driver.flows.app.device.unlocked
    await lifecycle(driver, "show")
    await lifecycle(driver, "resume")
    assert driver.fc.has("screen.unlock")
    assert driver.fc.value("message") == BACKGROUND_LOCK
    assert BACKGROUND_LOCK.endswith(KEPT_MESSAGE)
    await driver.unlock()
    assert driver.fc.has("screen.caseload")


async def lock_when_idle_and_unlock(driver: Driver, clock: FakeClock) -> None:
    """The phone is left alone past the profile's idle minutes; the person unlocks."""
    clock.advance(minutes=6)
    await driver.fc.wait_for(lambda: driver.fc.has("screen.unlock"))
    assert driver.fc.value("message") == f"Locked after 5 minutes without use. {KEPT_MESSAGE}"
    await driver.unlock()
    assert driver.fc.has("screen.caseload")


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
