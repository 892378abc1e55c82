"""First run: passphrase with its strength, sign-in, and the caseload downloaded."""

from tests.ui.conftest import PASSPHRASE, Driver, FamilyIds, family_versions
from tests.ui.fake_server import FakeServer


async def test_a_new_device_asks_for_a_passphrase_and_shows_its_strength(ui: Driver) -> None:
    fc = ui.fc
    assert fc.has("screen.setup")
    await fc.enter_text("short", key="setup.passphrase")
    assert fc.value("setup.strength").startswith("Strength: Too short")
    await fc.enter_text("amber-kettle-orchard-7", key="setup.passphrase")
    assert fc.value("setup.strength").startswith("Strength: Very strong")
    assert fc.one(key="setup.strength.bar").value == 1
    # the re-render for the strength must not wipe what was typed
    assert fc.value("setup.passphrase") == "amber-kettle-orchard-7"


async def test_weak_or_mismatched_passphrases_are_refused_in_plain_words(ui: Driver) -> None:
    fc = ui.fc
    await fc.enter_text("abc", key="setup.passphrase")
    await fc.tap(key="setup.submit")
    assert "at least 10 characters" in fc.value("message")
    await fc.enter_text(PASSPHRASE, key="setup.passphrase")
    await fc.enter_text(PASSPHRASE + "x", key="setup.again")
    await fc.tap(key="setup.submit")
    assert "different" in fc.value("message")
    assert fc.has("screen.setup")
    assert not ui.flows.app.device.unlocked


async def test_first_run_sets_up_signs_in_and_downloads_the_caseload(
    ui: Driver, server: FakeServer, family: FamilyIds
) -> None:
    server.pullable = family_versions(family)
    fc = ui.fc
    await fc.enter_text(PASSPHRASE, key="setup.passphrase")
    await fc.enter_text(PASSPHRASE, key="setup.again")
    await fc.tap(key="setup.submit")
    assert fc.has("screen.sign_in")
    assert fc.value("signin.server") == "https://doorstep.test"  # prefilled from the profile

    await fc.enter_text("http://doorstep.test", key="signin.server")
    await fc.enter_text("hv-test", key="signin.username")
    await fc.enter_text("right-password", key="signin.password")
    await fc.tap(key="signin.submit")
    assert fc.value("message").startswith("Type the server address, starting with https://")
    assert fc.has("screen.sign_in")  # refused on the device, before any sign-in

    await fc.enter_text("https://doorstep.test", key="signin.server")
    await fc.enter_text("wrong", key="signin.password")
    await fc.tap(key="signin.submit")
    assert fc.value("message") == "The server refused the sign-in: Wrong username or password."

    await fc.enter_text("right-password", key="signin.password")
    await fc.tap(key="signin.submit")
    await fc.wait_for(lambda: fc.has(f"child.{family.baby_id}"))
    assert fc.has("screen.caseload")
    assert fc.value(f"child.{family.baby_id}").startswith("Poppy Quarmby, ")
    assert fc.value(f"family.{family.case_id}") == "Quarmby family, Banbury"
    assert fc.value("status.online").startswith("Online")
    assert fc.value("status.last_sync").startswith("Last synced today at")
    assert fc.value("status.pending") == "0 records waiting to sync"


async def test_sign_in_with_no_server_says_so_and_stays(ui: Driver, server: FakeServer) -> None:
    server.mode = "down"
    fc = ui.fc
    await fc.enter_text(PASSPHRASE, key="setup.passphrase")
    await fc.enter_text(PASSPHRASE, key="setup.again")
    await fc.tap(key="setup.submit")
    await fc.enter_text("hv-test", key="signin.username")
    await fc.enter_text("right-password", key="signin.password")
    await fc.tap(key="signin.submit")
    assert "could not be reached" in fc.value("message")
    assert fc.has("screen.sign_in")
