"""Unlock, auto-lock after inactivity (on an injected clock), a lock screen showing no case."""

import dataclasses

import pytest

from mobile_app.errors import StoreLocked
from mobile_app.ui.controller import AppConfig
from tests.ui.conftest import Driver, FakeClock, FamilyIds, launch

CASE_WORDS = ("Quarmby", "Poppy", "Alfie", "Kieran", "Banbury")


def shows_no_case(driver: Driver) -> bool:
    return not [t for t in driver.fc.texts() for w in CASE_WORDS if w in t]


async def test_wrong_passphrase_says_so_then_the_right_one_opens_the_caseload(
    locked: Driver, seeded: FamilyIds
) -> None:
    fc = locked.fc
    assert fc.has("screen.unlock")
    assert shows_no_case(locked)
    await locked.unlock("not-the-passphrase")
    assert (
        fc.value("message") == "That passphrase does not unlock this device. Nothing was changed."
    )
    assert fc.has("screen.unlock")
    assert not locked.flows.app.device.unlocked
    await locked.unlock()
    assert fc.has("screen.caseload")
    assert fc.value(f"child.{seeded.baby_id}").startswith("Poppy Quarmby")
    assert not fc.has("message")


async def test_empty_passphrase_is_a_message_not_a_crash(locked: Driver) -> None:
    await locked.fc.tap(key="unlock.submit")
    assert locked.fc.value("message") == "Type your passphrase to unlock."


async def test_the_app_locks_after_the_profiles_idle_minutes(
    seeded: FamilyIds, config: AppConfig, clock: FakeClock
) -> None:
    driver = await launch(dataclasses.replace(config, tick_seconds=0.01))
    try:
        await driver.unlock()
        await driver.fc.tap(key=f"child.{seeded.baby_id}.visit")
        assert driver.fc.has("screen.visit")
        clock.advance(minutes=4, seconds=59)
        await driver.fc.settle()
        assert driver.fc.has("screen.visit")
        clock.advance(seconds=2)
        await driver.fc.wait_for(lambda: driver.fc.has("screen.unlock"))
        assert driver.fc.value("message").startswith("Locked after 5 minutes without use")
        assert shows_no_case(driver)
        assert driver.state.visit is None
        assert driver.state.overview is None
        with pytest.raises(StoreLocked):
            _ = driver.store
    finally:
        driver.flows.app.device.lock()
        driver.fc.close()


async def test_each_touch_restarts_the_idle_time(
    app: Driver, clock: FakeClock, seeded: FamilyIds
) -> None:
    clock.advance(minutes=4)
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    clock.advance(minutes=4)
    app.flows.app.check_idle()
    await app.fc.settle()
    assert app.fc.has("screen.visit")


async def test_a_tap_after_the_idle_time_locks_instead_of_acting(
    app: Driver, clock: FakeClock, seeded: FamilyIds
) -> None:
    clock.advance(minutes=6)
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    assert app.fc.has("screen.unlock")
    assert shows_no_case(app)
    assert app.state.visit is None


async def test_lock_button_locks_at_once_and_unlock_returns(app: Driver) -> None:
    await app.fc.tap(key="nav.lock")
    assert app.fc.has("screen.unlock")
    assert shows_no_case(app)
    assert not app.flows.app.device.unlocked
    await app.unlock()
    assert app.fc.has("screen.caseload")
