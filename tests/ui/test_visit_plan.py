"""The 0-10 safety scale and the actions agreed: saved as given, checked in plain words,
carried into the Visit; an unknown father becomes an action for the practitioner."""

from datetime import UTC, date, datetime

import pytest

from mobile_app.services.visits.actions import FOLLOW_UP_ACTION
from mobile_app.services.visits.drafts import DraftService, VisitDraft
from mobile_app.services.visits.scaling import NO_SCALE_WARNING
from mobile_app.ui.controller import AppConfig
from shared.models import SafetyScale, Visit, VisitAction
from tests.ui.conftest import Driver, FakeClock, FamilyIds, complete_draft, launch
from tests.ui.fake_server import PRACTITIONER

THURSDAY = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
PLAN_STEP = "5"  # "Worries and next steps", where the scale and the actions are
REVIEW_STEP = "6"


@pytest.fixture
def clock() -> FakeClock:
    """Visits start on Thursday 5 November 2026."""
    pinned = FakeClock()
    pinned.now = THURSDAY
    return pinned


async def open_plan(app: Driver, ids: FamilyIds) -> None:
    """A complete visit draft for the baby, open at the plan step."""
    DraftService(app.store).save(complete_draft(ids, started_at=THURSDAY))
    app.flows.app.refresh()
    await app.fc.tap(key=f"child.{ids.baby_id}.visit")
    await app.fc.tap(key=f"visit.goto.{PLAN_STEP}")


def stored_draft(app: Driver, ids: FamilyIds) -> VisitDraft:
    """The draft as the store holds it now (not as the screen does)."""
    draft = DraftService(app.store).for_child(ids.baby_id)
    assert draft is not None
    return draft


async def finalise(app: Driver) -> list[str]:
    """Tap Finalise on the review step; return the problems shown (none once it worked)."""
    await app.fc.tap(key=f"visit.goto.{REVIEW_STEP}")
    await app.fc.tap(key="visit.finalise")
    found: list[str] = []
    while app.fc.has(f"visit.problem.{len(found)}"):
        # Each gap is a button back to its step: "Step 6: Rating 1: ..."
        text = app.fc.one(key=f"visit.problem.{len(found)}").content
        found.append(text.split(": ", 1)[1])
    return found


def outbox_visit(app: Driver) -> Visit:
    versions = [app.store.records.get(v).version for v in app.store.outbox.peek(10)]
    visit = next(v.payload for v in versions if v.record_type == "visit")
    assert isinstance(visit, Visit)
    return visit


async def test_ratings_and_actions_are_saved_as_given_and_survive_a_restart(
    app: Driver, seeded: FamilyIds, config: AppConfig
) -> None:
    fc = app.fc
    await open_plan(app, seeded)
    assert fc.value("visit.scale.anchor.0") == "0 not safe in parents' care"
    assert fc.value("visit.scale.anchor.10") == "10 safe enough to close"
    await fc.tap(key="visit.scale.add")
    assert fc.value("visit.scale.0.by") == "practitioner"
    await fc.choose("4", key="visit.scale.0.value")
    assert stored_draft(app, seeded).scaling[0].value == 4  # saved at once, not later
    await fc.tap(key="visit.scale.add")
    await fc.choose("other", key="visit.scale.1.by")
    await fc.enter_text("Maternal grandmother", key="visit.scale.1.by_other")
    assert stored_draft(app, seeded).scaling[1].who() == "Maternal grandmother"
    await fc.choose("6", key="visit.scale.1.value")
    await fc.tap(key="visit.action.add")
    await fc.enter_text("Referral to the food bank", key="visit.action.0.what")
    await fc.enter_text("Mother", key="visit.action.0.owner")
    await fc.enter_text("2026-11-12", key="visit.action.0.due")

    draft = stored_draft(app, seeded)
    assert [(r.who(), r.value) for r in draft.scaling] == [
        ("practitioner", 4),
        ("Maternal grandmother", 6),
    ]
    assert [(a.action, a.owner, a.due) for a in draft.actions] == [
        ("Referral to the food bank", "Mother", "2026-11-12")
    ]

    app.flows.app.device.lock()  # killed
    app.fc.close()
    again = await launch(config)
    try:
        await again.unlock()
        await again.fc.tap(key=f"child.{seeded.baby_id}.visit")
        assert again.fc.value("visit.scale.0.value") == "4"
        assert again.fc.value("visit.scale.1.by") == "other"
        assert again.fc.value("visit.scale.1.by_other") == "Maternal grandmother"
        assert again.fc.value("visit.action.0.due") == "2026-11-12"
    finally:
        again.flows.app.device.lock()
        again.fc.close()


async def test_ratings_and_actions_can_be_removed(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await open_plan(app, seeded)
    for _ in range(2):
        await fc.tap(key="visit.scale.add")
        await fc.tap(key="visit.action.add")
    await fc.choose("3", key="visit.scale.1.value")
    await fc.enter_text("Second action", key="visit.action.1.what")
    await fc.tap(key="visit.scale.0.remove")
    await fc.tap(key="visit.action.0.remove")
    assert fc.value("visit.scale.0.value") == "3"
    assert not fc.has("visit.scale.1")
    assert fc.value("visit.action.0.what") == "Second action"
    assert not fc.has("visit.action.1")
    assert app.state.visit is not None
    assert len(app.state.visit.draft.scaling) == len(app.state.visit.draft.actions) == 1


async def test_the_due_date_box_says_what_is_wrong_once_a_date_is_typed(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await open_plan(app, seeded)
    await fc.tap(key="visit.action.add")
    box = "visit.action.0.due"
    await fc.enter_text("2026-11", key=box)
    assert fc.one(key=box).error is None  # still typing
    await fc.enter_text("2026-11-31", key=box)
    assert fc.one(key=box).error == "That is not a real date: check the month and the day."
    await fc.enter_text("12/11/2026", key=box)
    assert fc.one(key=box).error.startswith("Write the due date as year-month-day")
    await fc.enter_text("2026-11-04", key=box)
    assert fc.one(key=box).error.startswith("The due date is before the visit")
    await fc.enter_text("2026-11-05", key=box)
    assert fc.one(key=box).error is None
    assert fc.value(box) == "2026-11-05"  # the re-render kept what was typed


async def test_unfinished_ratings_and_actions_stop_finalising_in_plain_words(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await open_plan(app, seeded)
    await fc.tap(key="visit.scale.add")
    await fc.choose("other", key="visit.scale.0.by")
    await fc.tap(key="visit.action.add")
    await fc.tap(key="visit.action.add")
    await fc.enter_text("Health visitor to weigh Poppy", key="visit.action.1.what")
    await fc.enter_text("next week", key="visit.action.1.due")
    assert await finalise(app) == [
        "Rating 1: say who gave this rating.",
        "Rating 1: choose a number from 0 to 10, or remove the rating.",
        "Action 1 is empty: fill it in or remove it.",
        "Action 2: say who will do it.",
        "Action 2: write the due date as year-month-day, for example 2026-11-20.",
    ]
    assert app.store.outbox.count() == 0


async def test_ratings_and_actions_are_carried_into_the_visit(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await open_plan(app, seeded)
    await fc.tap(key="visit.scale.add")
    await fc.choose("3", key="visit.scale.0.value")
    await fc.tap(key="visit.scale.add")
    await fc.choose("mother", key="visit.scale.1.by")
    await fc.choose("7", key="visit.scale.1.value")
    await fc.tap(key="visit.action.add")
    await fc.enter_text("Weigh Poppy at clinic", key="visit.action.0.what")
    await fc.enter_text("Health visitor", key="visit.action.0.owner")
    await fc.enter_text("2026-11-10", key="visit.action.0.due")
    assert await finalise(app) == []
    assert fc.has("screen.caseload")
    visit = outbox_visit(app)
    assert visit.scaling == (
        SafetyScale(rated_by="practitioner", value=3),
        SafetyScale(rated_by="mother", value=7),
    )
    assert visit.actions == (
        VisitAction(action="Weigh Poppy at clinic", owner="Health visitor", due=date(2026, 11, 10)),
    )


async def test_no_scale_is_a_warning_that_does_not_stop_finalising(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await open_plan(app, seeded)
    await fc.tap(key=f"visit.goto.{REVIEW_STEP}")
    assert fc.value("visit.warning.0") == NO_SCALE_WARNING
    await fc.tap(key=f"visit.goto.{PLAN_STEP}")
    await fc.tap(key="visit.scale.add")
    await fc.tap(key=f"visit.goto.{REVIEW_STEP}")
    assert NO_SCALE_WARNING not in fc.texts()
    await fc.tap(key=f"visit.goto.{PLAN_STEP}")
    await fc.tap(key="visit.scale.0.remove")
    assert await finalise(app) == []
    assert outbox_visit(app).scaling == ()


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (THURSDAY, date(2026, 11, 12)),
        (datetime(2026, 11, 6, 16, 0, tzinfo=UTC), date(2026, 11, 13)),  # Friday
        (datetime(2026, 11, 7, 11, 0, tzinfo=UTC), date(2026, 11, 13)),  # Saturday
    ],
    ids=["thursday", "friday", "saturday"],
)
async def test_an_unknown_father_becomes_an_action_for_the_practitioner(
    locked: Driver, seeded: FamilyIds, clock: FakeClock, start: datetime, due: date
) -> None:
    """Child Q finding 4: "not known" is tracked as an action due in 5 working days."""
    clock.now = start
    app = locked
    await app.unlock()
    reason = "Mother will not say who he is."
    DraftService(app.store).save(
        complete_draft(seeded, started_at=start, father="not_known", father_not_known_reason=reason)
    )
    app.flows.app.refresh()
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.4")
    assert fc.value("visit.father.follow_up") == (
        f"It will also be an action for you, due {due:%a %d %b %Y}: 5 working days after the visit."
    )
    await fc.tap(key=f"visit.goto.{PLAN_STEP}")
    assert fc.value("visit.action.follow_up").endswith(f"due {due:%a %d %b %Y}.")
    assert await finalise(app) == []
    visit = outbox_visit(app)
    assert visit.actions == (
        VisitAction(action=FOLLOW_UP_ACTION, owner=PRACTITIONER.display_name, due=due),
    )
    assert "Follow-up: find out who the father or male carer is." in visit.next_steps


async def test_a_known_father_makes_no_follow_up(app: Driver, seeded: FamilyIds) -> None:
    await open_plan(app, seeded)
    assert not app.fc.has("visit.action.follow_up")
    assert await finalise(app) == []
    assert outbox_visit(app).actions == ()
