"""Unlock, auto-lock after inactivity (on an injected clock), a lock screen showing no case,
waits and erasure after wrong passphrases, and erasure when the organisation withdraws the
device."""

import asyncio
import base64
import dataclasses
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from mobile_app.errors import StoreLocked
from mobile_app.store.database import DB_FILENAME
from mobile_app.ui.controller import AppConfig
from mobile_app.ui.device_keystore import PlatformSecretStore
from tests.ui.conftest import Driver, FakeClock, FamilyIds, finalise_one, launch

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
    assert fc.value("message") == (
        "That passphrase does not unlock this device. "
        "9 tries left before this device erases its data."
    )
    assert fc.value("unlock.tries").startswith("Wrong passphrases so far: 1. After 9 more")
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


@pytest.fixture
def keystore(tmp_path: Path) -> Path:
    """The file keystore of this test (tests/conftest.py points DOORSTEP_KEYSTORE at it)."""
    return tmp_path / "keystore"


async def test_a_device_whose_key_has_gone_offers_to_erase_and_start_again(
    locked: Driver, keystore: Path
) -> None:
    for key_file in keystore.glob("*.key"):
        key_file.unlink()  # a keystore reset, or the data folder copied to another machine
    await locked.unlock()
    assert "missing from its keystore" in locked.fc.value("message")
    assert locked.fc.has("screen.unlock")
    await locked.fc.tap(key="unlock.erase")
    await locked.fc.wait_for(lambda: locked.fc.has("unlock.set_up"))
    assert not locked.flows.app.device.is_set_up()
    await locked.fc.tap(key="unlock.set_up")
    assert locked.fc.has("screen.setup")


@pytest.fixture
async def strict(seeded: FamilyIds, config: AppConfig) -> AsyncIterator[Driver]:
    """The seeded device on its lock screen, erasing itself after 4 wrong passphrases."""
    profile = config.profile.model_copy(update={"max_failed_unlocks": 4})
    driver = await launch(dataclasses.replace(config, profile=profile))
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


async def test_the_lock_screen_shows_the_wait_and_even_the_right_passphrase_waits(
    strict: Driver, clock: FakeClock
) -> None:
    for _ in range(3):
        await strict.unlock("not-the-passphrase")
    assert strict.fc.value("message").endswith("Wait 30 seconds before the next try.")
    assert strict.fc.value("unlock.tries").startswith("Wrong passphrases so far: 3. After 1 more")
    assert strict.fc.value("unlock.wait") == "Next try allowed in 30 seconds."
    await strict.unlock()
    assert strict.fc.value("message").startswith("Too many wrong passphrases. Try again in")
    assert strict.fc.has("screen.unlock")
    clock.advance(seconds=31)
    await strict.unlock()
    assert strict.fc.has("screen.caseload")


async def test_the_last_wrong_passphrase_erases_the_device_and_says_what_was_lost(
    strict: Driver, clock: FakeClock, config: AppConfig, keystore: Path, seeded: FamilyIds
) -> None:
    await strict.unlock()
    finalise_one(strict, seeded)  # 3 versions wait in the outbox
    await strict.fc.tap(key="nav.lock")
    for _ in range(4):
        clock.advance(hours=1)
        await strict.unlock("not-the-passphrase")
    await strict.fc.settle()
    assert strict.fc.value("message") == (
        "Too many wrong passphrases: this device has erased its keys and data. "
        "3 unsynced records that had not reached the server were lost. "
        "Set the device up again and sign in to carry on."
    )
    assert not (config.data_dir / DB_FILENAME).exists()
    assert not list(keystore.iterdir())
    assert shows_no_case(strict)
    await strict.fc.tap(key="unlock.set_up")
    assert strict.fc.has("screen.setup")


def _withdrawing(server: httpx.BaseTransport | None) -> httpx.MockTransport:
    """The fake server, except that every sync request is answered `device_revoked`."""
    assert server is not None

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/sync/"):
            body = {"code": "device_revoked", "message": "Withdrawn.", "details": {}}
            return httpx.Response(401, json=body)
        return server.handle_request(request)

    return httpx.MockTransport(handle)


async def test_a_withdrawn_device_erases_itself_and_says_so(
    seeded: FamilyIds, config: AppConfig, keystore: Path
) -> None:
    driver = await launch(dataclasses.replace(config, transport=_withdrawing(config.transport)))
    try:
        await driver.unlock()
        assert driver.fc.has("screen.caseload")
        await driver.flows.sync.run()
        await driver.fc.wait_for(lambda: driver.fc.has("screen.unlock"))
        assert driver.fc.value("message") == (
            "This device was withdrawn by your organisation; its data has been removed. "
            "No unsynced work was lost. Set the device up again and sign in to carry on."
        )
        assert shows_no_case(driver)
        assert not driver.flows.app.device.unlocked
        assert not (config.data_dir / DB_FILENAME).exists()
        assert not list(keystore.iterdir())
    finally:
        driver.flows.app.device.lock()
        driver.fc.close()


class FakeSecureStorage:
    """Stands in for flet-secure-storage's coroutines (the real one needs a built app)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    async def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def set(self, key: str, value: str) -> None:
        self.values[key] = value

    async def remove(self, key: str) -> None:
        self.values.pop(key, None)


@pytest.fixture
def loop_thread() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def test_the_platform_keystore_keeps_one_base64_secret_per_store(
    loop_thread: asyncio.AbstractEventLoop,
) -> None:
    storage = FakeSecureStorage()
    keystore = PlatformSecretStore(storage, loop_thread)
    secret = keystore.create("store-1")
    assert base64.b64decode(storage.values["doorstep.device-secret.store-1"]) == secret
    assert keystore.get("store-1") == secret
    with pytest.raises(Exception, match="already has a device secret"):
        keystore.create("store-1")
    keystore.destroy("store-1")
    assert keystore.get("store-1") is None
    assert storage.values == {}


async def test_the_platform_keystore_refuses_to_block_the_ui_loop() -> None:
    keystore = PlatformSecretStore(FakeSecureStorage(), asyncio.get_running_loop())
    with pytest.raises(RuntimeError, match="worker thread"):
        keystore.get("store-1")
