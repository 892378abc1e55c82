"""The offline window (flet.toml offline_window_days): past it without a completed sync, the
app hides every case behind a sign-in-and-sync screen, on the injected clock. Drafts and the
outbox are kept, and only a fresh sign-in followed by a completed sync opens the caseload."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from mobile_app.services.sync.sync_settings import LAST_SYNC_SETTING
from mobile_app.services.visits.drafts import DraftService
from mobile_app.store import DeviceStore
from mobile_app.ui.controller import AppConfig
from shared.clock import iso
from tests.ui.conftest import (
    PASSPHRASE,
    Driver,
    FakeClock,
    FamilyIds,
    complete_draft,
    finalise_one,
    launch,
)
from tests.ui.fake_server import FakeServer
from tests.ui.test_accessibility import problems
from tests.ui.test_lock import shows_no_case

VOICE = "Said: 'my tummy hurts'."


def prepare(app: Driver, seeded: FamilyIds) -> str:
    """A finalised visit in the outbox and a draft in progress; returns the draft id."""
    finalise_one(app, seeded)
    draft = complete_draft(seeded, voice_of_child=VOICE)
    DraftService(app.store).save(draft)
    app.flows.app.refresh()
    return draft.draft_id


def kept(app: Driver, draft_id: str) -> bool:
    """The draft and the 3 records waiting to sync are still on the device."""
    draft = DraftService(app.store).get(draft_id)
    return app.store.outbox.count() == 3 and draft is not None and draft.voice_of_child == VOICE


@pytest.fixture
async def nearly_out(
    seeded: FamilyIds, config: AppConfig, clock: FakeClock
) -> AsyncIterator[Driver]:
    """Unlocked on a device whose last sync was 14 days less a minute ago."""
    store = DeviceStore.unlock(config.data_dir, PASSPHRASE)
    try:
        last = clock.now - timedelta(days=14) + timedelta(minutes=1)
        store.settings.put(LAST_SYNC_SETTING, iso(last))
    finally:
        store.close()
    driver = await launch(config)
    await driver.unlock()
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


async def test_past_the_window_unlocking_asks_for_a_sign_in_and_a_sync(
    app: Driver, seeded: FamilyIds, clock: FakeClock, server: FakeServer
) -> None:
    fc = app.fc
    draft_id = prepare(app, seeded)
    clock.advance(days=15)
    await fc.tap(key="nav.sync")  # idle far too long: this touch locks instead
    assert fc.has("screen.unlock")
    await app.unlock()
    assert fc.has("screen.sync_needed")
    assert fc.value("sync_needed.reason").startswith(
        "This device has not synced with the server for 15 days. Test Partnership allows 14 days"
    )
    assert shows_no_case(app)
    assert app.state.overview is None
    assert server.pushed == []
    assert kept(app, draft_id)

    await fc.tap(key="sync_needed.submit")
    assert fc.value("message") == "Type your password to sign in again."
    await fc.enter_text("wrong", key="sync_needed.password")
    await fc.tap(key="sync_needed.submit")
    assert fc.value("message") == "The server refused the sign-in: Wrong username or password."
    server.mode = "down"
    await fc.enter_text("right-password", key="sync_needed.password")
    await fc.tap(key="sync_needed.submit")
    assert "could not be reached" in fc.value("message")
    assert fc.has("screen.sync_needed")
    assert kept(app, draft_id)

    server.mode = "up"
    await fc.tap(key="sync_needed.submit")
    assert fc.has("screen.caseload")
    assert fc.value("message") == "Signed in and synced: your caseload is up to date."
    assert len(server.pushed) == 3
    assert DraftService(app.store).get(draft_id) is not None  # drafts never leave the device

    clock.advance(days=13)  # the window starts again from this sync
    await fc.tap(key="nav.lock")
    await app.unlock()
    assert fc.has("screen.caseload")


async def test_the_window_closing_while_in_use_hides_the_visit_and_keeps_the_draft(
    nearly_out: Driver, seeded: FamilyIds, clock: FakeClock
) -> None:
    app, fc = nearly_out, nearly_out.fc
    assert fc.has("screen.caseload")
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.3")
    await fc.enter_text(VOICE, key="visit.voice")
    clock.advance(minutes=2)
    app.flows.app.check_idle()  # what the timer does every few seconds
    await fc.settle()
    assert fc.has("screen.sync_needed")
    assert shows_no_case(app)
    assert app.state.visit is None
    draft = DraftService(app.store).for_child(seeded.baby_id)
    assert draft is not None
    assert draft.voice_of_child == VOICE


async def test_a_tap_past_the_window_shows_the_sync_screen_instead_of_acting(
    nearly_out: Driver, seeded: FamilyIds, clock: FakeClock
) -> None:
    clock.advance(minutes=2)
    await nearly_out.fc.tap(key=f"child.{seeded.baby_id}.visit")
    assert nearly_out.fc.has("screen.sync_needed")
    assert nearly_out.state.visit is None


async def test_no_background_sync_stands_in_for_signing_in_again(
    nearly_out: Driver, seeded: FamilyIds, clock: FakeClock, server: FakeServer
) -> None:
    app, fc = nearly_out, nearly_out.fc
    prepare(app, seeded)
    clock.advance(minutes=2)
    app.flows.app.check_idle()
    await fc.settle()
    await fc.fire(app.fc.page, "app_lifecycle_state_change", {"state": "resume"})
    connectivity = app.flows.connectivity
    await fc.fire(connectivity, "change", {"connectivity": ["wifi"]})
    assert server.pushed == []
    assert fc.has("screen.sync_needed")
    assert app.state.overview is None


async def test_signed_in_but_the_sync_failing_stays_on_the_sync_screen(
    nearly_out: Driver, seeded: FamilyIds, clock: FakeClock, server: FakeServer
) -> None:
    app, fc = nearly_out, nearly_out.fc
    draft_id = prepare(app, seeded)
    clock.advance(minutes=2)
    app.flows.app.check_idle()
    await fc.settle()
    server.mode = "revoked"  # sign-in works; the sync is refused
    await fc.enter_text("right-password", key="sync_needed.password")
    await fc.tap(key="sync_needed.submit")
    assert fc.has("screen.sync_needed")
    assert fc.value("message").startswith("You are signed in, but the sync did not finish.")
    assert kept(app, draft_id)
    assert shows_no_case(app)
    assert problems(fc) == []


async def test_locking_and_unlocking_does_not_get_round_the_window(
    nearly_out: Driver, clock: FakeClock
) -> None:
    fc = nearly_out.fc
    clock.advance(minutes=2)
    nearly_out.flows.app.check_idle()
    await fc.settle()
    await fc.tap(key="nav.lock")
    assert fc.has("screen.unlock")
    await nearly_out.unlock()
    assert fc.has("screen.sync_needed")
    assert problems(fc) == []
