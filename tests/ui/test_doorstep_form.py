"""The visit form at the door: a short path for no access, answers that fit the question,
one tap for an area with nothing of concern, Next that marks what is unanswered, a draft that
can be discarded, and due dates in one tap."""

from datetime import timedelta

import flet as ft

from mobile_app.services.caseload.overview import KnownAdult
from shared.ids import new_id
from shared.models import ChecklistResponse, ChronologyEntry, Visit
from shared.vocabulary import EventType, Significance
from tests.ui.conftest import Driver, FamilyIds


def outbox(app: Driver) -> list[object]:
    return [app.store.records.get(v).version.payload for v in app.store.outbox.peek(20)]


async def test_no_access_is_recorded_in_a_short_path_and_finalised_truthfully(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.no_access")
    assert fc.value("visit.step") == "Step 1 of 2: No access"
    await fc.choose("refused_entry", key="visit.access")
    await fc.choose("True", key="visit.attempt.knocked")
    await fc.choose("True", key="visit.attempt.card_left")
    await fc.choose("through_window", key="visit.sighting")
    await fc.tap(key="visit.no_access.next.0")
    await fc.tap(key="visit.next")
    assert fc.value("visit.step") == "Step 2 of 2: Check and finalise"
    assert fc.has("visit.complete")
    texts = " ".join(fc.texts())
    assert "Tried: knocked, left a card" in texts
    await fc.tap(key="visit.finalise")

    assert fc.has("screen.caseload")
    found = outbox(app)
    assert not [p for p in found if isinstance(p, ChecklistResponse)]  # no checklist asked
    (visit,) = [p for p in found if isinstance(p, Visit)]
    assert visit.access == "refused_entry"
    assert visit.persons_present == ()
    assert visit.father_or_male_carer is None
    assert not visit.child_seen
    assert visit.child_sighting == "through_window"
    assert visit.next_steps == "Visit again unannounced within 2 working days."
    (entry,) = [p for p in found if isinstance(p, ChronologyEntry)]
    assert entry.event_type == EventType.NO_ACCESS
    assert entry.significance == Significance.SIGNIFICANT
    assert entry.summary.startswith("No access (Statutory child protection visit): the family")
    # The attempt is on the caseload, and the child is still due a visit that sees them.
    assert any("no access" in t for t in fc.texts())


async def test_no_access_lists_what_is_missing_and_can_go_back_to_the_full_form(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.no_access")
    await fc.tap(key="visit.next")  # nothing answered: marked at the questions first
    assert fc.value("visit.step") == "Step 1 of 2: No access"
    assert fc.has("visit.attempts.error")
    assert fc.has("visit.sighting.error")
    await fc.tap(key="visit.next")
    await fc.tap(key="visit.finalise")
    assert fc.one(key="visit.problem.0").content == "Step 1: Say what you tried to get in."
    assert app.store.outbox.count() == 0
    await fc.tap(key="visit.problem.0")
    await fc.tap(key="visit.access.gained")
    assert fc.value("visit.step") == "Step 1 of 7: Who is here"


async def test_answers_fit_the_question_and_nothing_of_concern_fills_only_the_unanswered(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.2")
    assert fc.one(key="check.PHY.FOOD_INTAKE.meets_needs").label == "Yes"
    assert not fc.has("check.MED.DENTAL")  # no dentist question for a baby
    await fc.choose("some_concern", key="check.PHY.HYGIENE")
    await fc.enter_text("Hair matted, skin grubby", key="check.PHY.HYGIENE.evidence")
    await fc.tap(key="check.nothing")  # answers the rest of the area and goes on
    assert fc.value("check.domain") == "Area 2 of 7: Home environment"
    draft = app.flows.visits.draft
    assert draft.checklist["PHY.HYGIENE"].rating == "some_concern"  # kept as given
    assert draft.checklist["PHY.FOOD_INTAKE"].rating == "meets_needs"
    assert isinstance(fc.one(key="check.area.0").content, ft.Row)  # the number and a tick
    await fc.tap(key="visit.prev")  # back: every answer can still be changed
    assert not fc.has("check.nothing")
    await fc.choose("meets_needs", key="check.PHY.HYGIENE")
    for _ in range(6):  # Next walks the areas, each shown from its top
        body = fc.one(key=f"visit.body.2.{app.flows.visits.screen.domain}")
        await fc.tap(key="visit.next")
        assert not fc.has(body.key)
    assert fc.value("check.domain") == "Area 7 of 7: Family and parental factors"
    assert fc.one(key="check.CTX.DA.meets_needs").label == "No sign"
    await fc.tap(key="check.nothing")  # the last area: on to the next step
    assert fc.value("visit.step") == "Step 4 of 7: The child's voice"
    assert fc.one(key="visit.voice").label.startswith("How Poppy behaved")


async def test_a_draft_is_discarded_only_once_confirmed(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.enter_text("mother", key="visit.present.new")
    await fc.tap(key="visit.present.add")
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.discard")
    assert "cannot be brought back" in fc.value("visit.discard.ask")
    await fc.tap(key="visit.discard.no")
    assert app.store.drafts.keys() != []
    await fc.tap(key="visit.discard")
    await fc.tap(key="visit.discard.yes")
    assert fc.has("screen.caseload")
    assert app.store.drafts.keys() == []
    assert app.store.outbox.count() == 0


async def test_a_due_date_in_one_tap_and_the_mother_is_not_offered_as_father(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.5")
    await fc.tap(key="visit.action.add")
    await fc.tap(key="visit.action.0.due.14")
    draft = app.flows.visits.draft
    assert draft.actions[0].due == (draft.started_at.date() + timedelta(days=14)).isoformat()
    # The family's mother is a known adult, but never offered as father or male carer.
    app.flows.visits.screen.adults.append(KnownAdult(new_id(), "Jade Quarmby (Mother)"))
    await fc.tap(key="visit.goto.4")
    radios = [c for c in fc.all_controls() if isinstance(c, ft.Radio)]
    offered = [r.label for r in radios if str(r.key).startswith("visit.father.")]
    assert offered == ["Kieran Lomax (Birth father)", "Someone new", "Not known"]
    await fc.choose(f"adult:{seeded.father_id}", key="visit.father")  # one tap
    assert app.flows.visits.draft.father_adult_id == seeded.father_id


async def test_back_into_the_checklist_shows_its_last_area(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.3")
    await fc.tap(key="visit.prev")
    assert fc.value("visit.step") == "Step 3 of 7: What you observed"
    assert fc.value("check.domain") == "Area 7 of 7: Family and parental factors"
