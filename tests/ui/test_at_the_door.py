"""At the door (issue 12, points 5 and 8): "Before the visit" starts with the address, the
access and safety notes and the household; unlock returns to the screen and the visit step the
lock interrupted, keeping nothing readable while locked; a web tab that goes away or comes back
is locked; sign out checks unsynced work, erases the device, and lets the next person in."""

import pytest

from mobile_app.errors import MobileError
from mobile_app.services.records import RecordService
from mobile_app.services.security.wipe import count_unsynced
from mobile_app.store.database import database_files
from mobile_app.ui.app import lock_on_return
from mobile_app.ui.controller import AppConfig
from mobile_app.ui.privacy import RECONNECT_LOCK
from mobile_app.ui.state import CASELOAD, VISIT, ResumePoint
from shared.models import Address, Family
from tests.ui.conftest import Driver, FamilyIds, finalise_one, receive
from tests.ui.fake_server import pulled
from tests.ui.kept_forms import forgot_every_case
from tests.ui.test_accessibility import problems
from tests.ui.test_lock import shows_no_case

SAFETY = "Lone working: ring the duty desk before and after. Dog in the house."
ACCESS = "Side door; the buzzer does not work."


async def _with_notes(app: Driver, ids: FamilyIds) -> None:
    family = Family(
        family_name="Quarmby",
        address=Address(line1="12 Weavers Row", town="Banbury", postcode="OX16 4AB"),
        access_notes=ACCESS,
        safety_notes=SAFETY,
    )
    (before,) = RecordService(app.store).current("family")
    amended = pulled(ids.case_id, ids.case_id, family, 30).model_copy(
        update={"replaces_version_id": before.version.version_id, "amend_reason": "Notes."}
    )
    await receive(app, [amended])


def _keys(app: Driver) -> list[str]:
    return [str(c.key) for c in app.fc.all_controls() if getattr(c, "key", None)]


async def test_before_the_visit_starts_at_the_door(app: Driver, seeded: FamilyIds) -> None:
    await _with_notes(app, seeded)
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.summary")
    assert fc.value("door.address") == "12 Weavers Row, Banbury OX16 4AB"
    assert fc.value("door.safety") == SAFETY
    assert fc.value("door.access") == ACCESS
    assert fc.value(f"door.child.{seeded.baby_id}").startswith("Poppy Quarmby, ")
    assert fc.value(f"door.child.{seeded.sibling_id}").startswith("Alfie Quarmby, ")
    assert fc.value(f"door.adult.{seeded.father_id}") == (
        "Kieran Lomax (Birth father), not known whether they live there"
    )
    keys = _keys(app)
    order = ["door.address", "door.safety", "door.access", f"door.child.{seeded.baby_id}"]
    order += ["summary.since"]
    assert [keys.index(k) for k in order] == sorted(keys.index(k) for k in order)
    alerts = [k for k in keys if k.startswith("summary.alert.") or k == "summary.alerts.none"]
    assert keys.index(f"door.adult.{seeded.father_id}") < keys.index(alerts[0])
    assert keys.index(alerts[0]) < keys.index("summary.since")
    assert fc.has("nav.back")
    assert fc.has("nav.lock")
    assert problems(fc) == []
    await fc.tap(key="nav.back")
    assert fc.has("screen.caseload")


async def test_alerts_say_their_urgency_in_words(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    row = app.state.overview.child(seeded.baby_id) if app.state.overview else None
    assert row is not None
    assert row.alerts.alerts, "the seeded baby has alerts (no visit yet)"
    shown = [app.fc.value(f"summary.alert.{i}") for i in range(len(row.alerts.alerts))]
    assert all(t.split(":")[0] in ("Overdue", "Act now", "Due") for t in shown)


async def test_a_family_without_notes_says_so(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    assert app.fc.value("door.notes.none") == "No access or safety notes for this address."


async def test_unlock_returns_to_the_visit_step_and_checklist_area(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.2")
    await fc.tap(key="visit.next")
    assert fc.value("check.domain") == "Area 2 of 7: Home environment"
    await fc.tap(key="nav.lock")
    assert fc.has("screen.unlock")
    assert shows_no_case(app)
    assert forgot_every_case(app)
    assert app.state.resume is not None
    assert app.state.resume.route == VISIT
    assert app.state.resume.domain == 1
    await app.unlock()
    assert fc.value("visit.step") == "Step 3 of 7: What you observed"
    assert fc.value("check.domain") == "Area 2 of 7: Home environment"
    assert app.state.resume is None


async def test_unlock_returns_to_the_summary(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    await app.fc.tap(key="nav.lock")
    await app.unlock()
    assert app.fc.has("screen.summary")
    assert app.fc.value("summary.child").startswith("Poppy Quarmby")


async def test_a_visit_finalised_elsewhere_meanwhile_leaves_the_caseload_said_so(
    app: Driver, seeded: FamilyIds
) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    await app.fc.tap(key="nav.lock")
    assert app.state.resume is not None
    app.state.resume = ResumePoint(VISIT, seeded.baby_id, "no-such-draft")
    await app.unlock()
    assert app.state.route == CASELOAD
    assert app.fc.value("message").startswith("What you had open is no longer on this device")


async def test_a_web_tab_that_goes_away_or_comes_back_is_locked(
    app: Driver, seeded: FamilyIds
) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    lock_on_return(app.flows)  # what page.on_disconnect and page.on_connect call
    await app.fc.settle()
    assert app.fc.has("screen.unlock")
    assert shows_no_case(app)
    assert app.fc.value("message") == RECONNECT_LOCK
    assert not app.flows.app.device.unlocked


async def _to_sign_out(app: Driver) -> None:
    await app.fc.tap(key="caseload.sign_out")
    assert app.fc.has("screen.sign_out")
    assert problems(app.fc) == []


async def test_sign_out_with_nothing_waiting_erases_and_lets_the_next_person_in(
    app: Driver, config: AppConfig
) -> None:
    await _to_sign_out(app)
    assert app.fc.value("sign_out.clear") == "Everything you recorded has reached the server."
    await app.fc.tap(key="sign_out.confirm")
    assert app.fc.has("screen.setup")
    assert app.fc.value("message").startswith("Signed out. Nothing of the caseload is left")
    assert not [p for p in database_files(config.data_dir) if p.exists()]
    # the next person: their own passphrase, their own sign-in
    fc = app.fc
    await fc.enter_text("violet harbour tractor simmer", key="setup.passphrase")
    await fc.enter_text("violet harbour tractor simmer", key="setup.again")
    await fc.tap(key="setup.submit")
    assert app.state.route == "/sign-in", app.state.message
    assert app.state.resume is None


async def test_sign_out_is_refused_while_finalised_records_wait(
    app: Driver, seeded: FamilyIds
) -> None:
    finalise_one(app, seeded)
    await _to_sign_out(app)
    assert "have not reached the server yet" in app.fc.value("sign_out.unsent")
    assert not app.fc.has("sign_out.confirm")
    with pytest.raises(MobileError, match="Sync before you sign out"):
        await app.flows.sign_out.sign_out(drafts_agreed=99)
    assert count_unsynced(app.store.db).unsynced == 3, "nothing was erased"


async def test_more_drafts_than_were_agreed_to_lose_refuse(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    await app.fc.tap(key="visit.leave")
    with pytest.raises(MobileError, match="1 unfinished draft would be lost"):
        await app.flows.sign_out.sign_out(drafts_agreed=0)
    assert app.flows.app.device.unlocked


async def test_drafts_are_named_before_a_second_confirmation(
    app: Driver, seeded: FamilyIds, config: AppConfig
) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    await app.fc.tap(key="visit.leave")
    await _to_sign_out(app)
    assert app.fc.value("sign_out.drafts").startswith("1 unfinished draft (visits, notes")
    assert app.fc.one(key="sign_out.confirm").content == "Destroy 1 draft and sign out"
    await app.fc.tap(key="sign_out.confirm")
    assert app.fc.has("screen.setup")
    assert "1 unfinished draft" in app.fc.value("message")
    assert not [p for p in database_files(config.data_dir) if p.exists()]
