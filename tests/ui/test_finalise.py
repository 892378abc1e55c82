"""Finalising from the visit screen: V3 messages in plain words, then records in the outbox."""

from mobile_app.services.visits.actions import FOLLOW_UP
from shared.checklist import load_checklist
from shared.models import ChecklistResponse, ChronologyEntry, SignificantAdult, Visit
from tests.ui.conftest import Driver, FamilyIds
from tests.ui.fake_client import FakeClient

NOT_SEEN = "Say whether you saw the child."
NOT_ALONE_KNOWN = "Say whether you saw the child alone."
NO_REASON = "Say why the child was not seen alone."
NOT_AWAKE = "Say whether the baby was seen awake: this is needed for a child under 1."
NOBODY = "Record at least one person who was present at the visit."
NO_FATHER = (
    "Answer the father or male carer question: pick him, add him, or say why he is not known."
)
NO_FATHER_REASON = "Say why the father or male carer is not known."


async def problems(fc: FakeClient) -> list[str]:
    """Go to the last step, tap Finalise, and read the messages."""
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.finalise")
    found = []
    while fc.has(f"visit.problem.{len(found)}"):
        # Each gap is a button back to its step: "Step 2: Say whether you saw the child."
        text = fc.one(key=f"visit.problem.{len(found)}").content
        found.append(text.split(": ", 1)[1])
    return found


async def test_finalise_names_each_missing_answer_until_the_visit_is_complete(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    assert await problems(fc) == [NOBODY, NOT_SEEN, NO_FATHER]

    await fc.tap(key="visit.goto.1")
    await fc.choose("yes", key="visit.child_seen")
    assert await problems(fc) == [NOBODY, NOT_ALONE_KNOWN, NOT_AWAKE, NO_FATHER]

    await fc.tap(key="visit.goto.1")
    await fc.choose("no", key="visit.seen_alone")
    await fc.choose("yes", key="visit.seen_awake")
    assert await problems(fc) == [NOBODY, NO_REASON, NO_FATHER]

    await fc.tap(key="visit.goto.1")
    await fc.choose("pre_verbal", key="visit.not_alone_reason")
    await fc.tap(key="visit.goto.0")
    await fc.choose("present", key=f"visit.adult.{seeded.father_id}")
    await fc.choose("absent", key=f"visit.adult.{seeded.father_id}")  # changed mind: absent
    assert await problems(fc) == [NOBODY, NO_FATHER]

    await fc.tap(key="visit.goto.0")
    await fc.enter_text("mother", key="visit.present.new")
    await fc.tap(key="visit.present.add")
    await fc.tap(key="visit.goto.2")
    await fc.choose("some_concern", key="check.PHY.NAPPY_SKIN")
    nappy = next(i for i in load_checklist().items_for("0-1") if i.key == "PHY.NAPPY_SKIN")
    assert await problems(fc) == [f"Say what you saw for the concern: {nappy.prompt}", NO_FATHER]

    await fc.tap(key="visit.goto.2")
    await fc.enter_text("Red raw nappy rash", key="check.PHY.NAPPY_SKIN.evidence")
    await fc.tap(key="visit.goto.4")
    await fc.choose("not_known", key="visit.father")
    assert await problems(fc) == [NO_FATHER_REASON]
    assert app.store.outbox.count() == 0  # nothing leaves while anything is missing

    await fc.tap(key="visit.goto.4")
    await fc.enter_text("Mother will not say; he does not live here.", key="visit.father.reason")
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.finalise")

    assert fc.has("screen.caseload")
    assert fc.value("message") == "Visit finalised. 3 records are waiting to sync."
    assert fc.value("status.pending") == "3 records waiting to sync"
    assert fc.one(key=f"child.{seeded.baby_id}.visit").content == "Record a visit"
    assert app.store.drafts.keys() == []
    versions = [app.store.records.get(v).version for v in app.store.outbox.peek(10)]
    assert [v.record_type for v in versions] == ["visit", "checklist_response", "chronology_entry"]
    visit, checklist, entry = (v.payload for v in versions)
    assert isinstance(visit, Visit)
    assert visit.child_ids == (seeded.baby_id,)
    assert visit.child_seen is True
    assert visit.seen_alone is False
    assert visit.not_seen_alone_reason == "pre_verbal"
    assert visit.seen_awake is True
    assert [p.description for p in visit.persons_present] == ["mother"]
    assert [p.person_id for p in visit.persons_expected_absent] == [seeded.father_id]
    assert visit.father_or_male_carer.not_known_reason.startswith("Mother will not say")
    assert FOLLOW_UP in visit.next_steps
    assert isinstance(checklist, ChecklistResponse)
    assert [(a.key, a.rating, a.evidence) for a in checklist.answers] == [
        ("PHY.NAPPY_SKIN", "some_concern", "Red raw nappy rash")
    ]
    assert isinstance(entry, ChronologyEntry)
    assert entry.visit_id == versions[0].record_id
    assert "Child seen, not alone (Too young to talk (pre-verbal))." in entry.summary
    assert "Physical care (1, 0 significant)" in entry.summary


async def test_a_new_father_is_recorded_before_the_visit(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.sibling_id}.visit")
    await fc.enter_text("mother", key="visit.present.new")
    await fc.tap(key="visit.present.add")
    await fc.tap(key="visit.goto.1")
    await fc.choose("yes", key="visit.child_seen")
    await fc.choose("yes", key="visit.seen_alone")
    await fc.tap(key="visit.goto.4")
    await fc.choose("new", key="visit.father")
    assert await problems(fc) == [
        "Give the new adult's name, or describe him if his name is not known."
    ]
    await fc.tap(key="visit.goto.4")
    await fc.enter_text("Dean Marsh", key="visit.father.name")
    await fc.choose("mother_partner", key="visit.father.relationship")
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.finalise")
    assert fc.has("screen.caseload")
    versions = [app.store.records.get(v).version for v in app.store.outbox.peek(10)]
    assert [v.record_type for v in versions][:2] == ["significant_adult", "visit"]
    adult, visit = versions[0].payload, versions[1].payload
    assert isinstance(adult, SignificantAdult)
    assert adult.name == "Dean Marsh"
    assert adult.relationship == "mother_partner"
    assert isinstance(visit, Visit)
    assert visit.father_or_male_carer.adult_ids == (versions[0].record_id,)


async def test_a_known_father_can_be_picked(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.sibling_id}.visit")
    await fc.choose("present", key=f"visit.adult.{seeded.father_id}")
    await fc.tap(key="visit.goto.1")
    await fc.choose("no", key="visit.child_seen")
    await fc.choose("child_absent", key="visit.not_alone_reason")
    assert await problems(fc) == [NO_FATHER]
    await fc.tap(key="visit.goto.4")
    await fc.choose(f"adult:{seeded.father_id}", key="visit.father")
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.finalise")
    visit = app.store.records.get(app.store.outbox.peek(1)[0]).version.payload
    assert isinstance(visit, Visit)
    assert visit.father_or_male_carer is not None
    assert visit.father_or_male_carer.adult_ids == (seeded.father_id,)
    assert visit.child_seen is False
    assert visit.not_seen_alone_reason == "child_absent"
