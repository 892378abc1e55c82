"""Recording a visit in steps: every change is a sealed draft that survives a killed app."""

from mobile_app.ui.controller import AppConfig
from tests.ui.conftest import Driver, FamilyIds, launch

VOICE = "Said: 'I like my cot.' Reached for her father."


async def test_steps_show_the_questions_that_apply(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    assert fc.value("visit.step") == "Step 1 of 7: Who is here"
    assert fc.one(key="visit.type").value == "statutory_CP"  # a child on a CP plan
    assert fc.has(f"visit.adult.{seeded.father_id}")  # the known father is offered

    await fc.tap(key="visit.next")
    assert fc.value("visit.step") == "Step 1 of 7: Who is here"  # nobody present: marked
    assert fc.has("visit.people.error")
    await fc.tap(key="visit.next")  # a second Next goes on regardless
    assert fc.value("visit.step") == "Step 2 of 7: Seeing the child"
    assert not fc.has("visit.seen_alone")
    assert not fc.has("visit.seen_awake")  # asked once the baby was seen
    await fc.choose("yes", key="visit.child_seen")
    assert fc.has("visit.seen_awake")  # Poppy is under 1
    assert fc.has("visit.seen_alone")
    assert not fc.has("visit.not_alone_reason")
    await fc.choose("no", key="visit.seen_alone")
    assert fc.has("visit.not_alone_reason")
    await fc.choose("yes", key="visit.seen_alone")
    assert not fc.has("visit.not_alone_reason")

    await fc.tap(key="visit.goto.2")
    assert fc.value("check.domain") == "Area 1 of 7: Physical care"
    assert not fc.has("check.PHY.FOOD_INTAKE.evidence")
    await fc.choose("some_concern", key="check.PHY.FOOD_INTAKE")
    assert fc.has("check.PHY.FOOD_INTAKE.evidence")
    await fc.choose("meets_needs", key="check.PHY.FOOD_INTAKE")
    assert not fc.has("check.PHY.FOOD_INTAKE.evidence")
    await fc.tap(key="visit.next")
    assert fc.value("check.domain") == "Area 2 of 7: Home environment"


async def test_an_older_child_is_not_asked_about_being_seen_awake(
    app: Driver, seeded: FamilyIds
) -> None:
    await app.fc.tap(key=f"child.{seeded.sibling_id}.visit")
    assert app.fc.one(key="visit.type").value == "targeted"
    await app.fc.tap(key="visit.goto.1")
    assert app.fc.has("visit.child_seen")
    assert not app.fc.has("visit.seen_awake")


async def test_a_killed_app_loses_nothing(
    app: Driver, seeded: FamilyIds, config: AppConfig
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.choose("present", key=f"visit.adult.{seeded.father_id}")
    await fc.enter_text("mother", key="visit.present.new")
    await fc.tap(key="visit.present.add")
    assert fc.value("visit.present.0") == "mother"
    assert fc.value("visit.present.new") == ""
    await fc.enter_text("grandmother (not yet added)", key="visit.absent.new")
    await fc.tap(key="visit.goto.1")
    await fc.choose("yes", key="visit.child_seen")
    await fc.choose("no", key="visit.seen_alone")
    await fc.choose("pre_verbal", key="visit.not_alone_reason")
    await fc.tap(key="visit.goto.2")
    await fc.choose("significant_concern", key="check.PHY.HYGIENE")
    await fc.enter_text("Nappy soaked through", key="check.PHY.HYGIENE.evidence")
    await fc.tap(key="visit.goto.3")
    await fc.enter_text(VOICE[:10], key="visit.voice")
    await fc.enter_text(VOICE, key="visit.voice")  # every keystroke is saved

    # Killed: no lock, no leave, no goodbye. Only the store's file handle goes.
    app.flows.app.device.lock()
    app.fc.close()
    for path in config.data_dir.iterdir():
        assert b"I like my cot" not in path.read_bytes(), f"draft text in clear in {path.name}"

    again = await launch(config)
    try:
        await again.unlock()
        assert again.fc.one(key=f"child.{seeded.baby_id}.visit").content == "Resume visit"
        assert again.fc.value("status.drafts") == "1 visit in progress"
        await again.fc.tap(key=f"child.{seeded.baby_id}.visit")
        assert again.fc.value("visit.step") == "Step 4 of 7: The child's voice"
        assert again.fc.value("visit.voice") == VOICE
        await again.fc.tap(key="visit.goto.0")
        assert again.fc.value(f"visit.adult.{seeded.father_id}") == "present"
        assert again.fc.value("visit.present.0") == "mother"
        assert again.fc.value("visit.absent.new") == "grandmother (not yet added)"
        await again.fc.tap(key="visit.goto.1")
        assert again.fc.value("visit.not_alone_reason") == "pre_verbal"
        await again.fc.tap(key="visit.goto.2")
        assert again.fc.value("check.PHY.HYGIENE") == "significant_concern"
        assert again.fc.value("check.PHY.HYGIENE.evidence") == "Nappy soaked through"
    finally:
        again.flows.app.device.lock()
        again.fc.close()


async def test_save_and_leave_keeps_the_draft(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    await app.fc.tap(key="visit.goto.5")
    await app.fc.enter_text("Cold house", key="visit.worries")
    await app.fc.tap(key="visit.leave")
    assert app.fc.has("screen.caseload")
    assert "draft" in app.fc.value("message")
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    assert app.fc.value("visit.worries") == "Cold house"
    assert app.store.outbox.count() == 0


async def test_people_can_be_removed_and_an_empty_one_is_refused(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.absent.add")
    assert fc.value("message").startswith("Describe the person first")
    await fc.enter_text("maternal grandmother", key="visit.absent.new")
    await fc.tap(key="visit.absent.add")
    assert fc.value("visit.absent.0") == "maternal grandmother"
    await fc.tap(key="visit.absent.0.remove")
    assert not fc.has("visit.absent.0")
    assert app.state.visit is not None
    assert app.state.visit.draft.others_absent == []
