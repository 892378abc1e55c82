"""Before the visit: what is new since my last visit (every agency's), the actions agreed at
earlier visits with the overdue ones marked, and the fathers and male carers on record."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.ids import new_id
from shared.models import ChronologyEntry, SignificantAdult, VisitAction
from shared.vocabulary import (
    Agency,
    EventType,
    InformationSource,
    ParentalResponsibility,
    PRBasis,
    Relationship,
    Residency,
    Role,
    Significance,
)
from tests.ui.builders import other_family, visit_payload
from tests.ui.conftest import Driver, FakeClock, FamilyIds, receive
from tests.ui.fake_server import PRACTITIONER, pulled
from tests.ui.test_accessibility import problems

TODAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MY_VISIT = datetime(2026, 10, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    """Today is Monday 2 November 2026."""
    pinned = FakeClock()
    pinned.now = TODAY
    return pinned


def entry(child_id: str, when: datetime, text: str, visit_id: str | None = None) -> ChronologyEntry:
    return ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=when,
        source_agency=Agency.GP,
        information_source=InformationSource.PROFESSIONAL_REPORT,
        author_id=new_id(),
        author_role=Role.HEALTH_VISITOR,
        event_type=EventType.OTHER,
        summary=text,
        action_taken="Noted.",
        significance=Significance.CONTEXTUAL,
        visit_id=visit_id,
    )


def history(ids: FamilyIds) -> list[object]:
    """Two of my visits and a colleague's to Poppy, a late GP entry, and two more adults."""
    c, baby = ids.case_id, ids.baby_id
    me, colleague = PRACTITIONER.id, new_id()
    mine_id = new_id()
    mine = visit_payload(
        baby,
        MY_VISIT,
        (
            VisitAction(
                action="Review at core group", owner="Test Visitor", due=date(2026, 11, 20)
            ),
            VisitAction(
                action="Mother to register with GP", owner="Mother", due=date(2026, 10, 20)
            ),
        ),
    )
    theirs = visit_payload(
        baby,
        datetime(2026, 10, 12, 14, 0, tzinfo=UTC),
        (VisitAction(action="Nursery place", owner="Social worker", due=date(2026, 11, 9)),),
    )
    earlier = visit_payload(baby, datetime(2026, 9, 1, 10, 0, tzinfo=UTC))
    late = entry(baby, datetime(2026, 10, 9, 15, 0, tzinfo=UTC), "GP: missed immunisations.")
    own = entry(baby, MY_VISIT, "Home visit by me.", visit_id=mine_id)
    stranger = SignificantAdult(
        child_ids=(baby,),
        relationship=Relationship.UNKNOWN_MALE,
        description_if_unidentified="tall man with a beard",
        residency=Residency.RESIDENT,
        parental_responsibility=ParentalResponsibility.NO,
    )
    mother = SignificantAdult(
        child_ids=(baby,),
        relationship=Relationship.MOTHER,
        name="Ruby Quarmby",
        parental_responsibility=ParentalResponsibility.YES,
        pr_basis=PRBasis.BIRTH_REG,
    )
    hour = timedelta(hours=1)
    return [
        pulled(c, new_id(), earlier, 20, author_id=me),
        pulled(c, mine_id, mine, 21, author_id=me, recorded_at=MY_VISIT + hour),
        pulled(c, new_id(), own, 22, author_id=me, recorded_at=MY_VISIT + hour),
        pulled(c, new_id(), theirs, 23, author_id=colleague),
        # Reached the server on the 20th about an event on the 9th: news since my visit.
        pulled(c, new_id(), late, 24, recorded_at=datetime(2026, 10, 20, tzinfo=UTC)),
        pulled(c, new_id(), stranger, 25),
        pulled(c, new_id(), mother, 26),
    ]


async def test_what_is_new_since_my_last_visit_newest_first(app: Driver, seeded: FamilyIds) -> None:
    await receive(app, history(seeded))
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.summary")
    assert fc.has("screen.summary")
    assert fc.value("summary.child").startswith("Poppy Quarmby, ")
    assert fc.value("summary.since") == (
        "Since your last visit on Sat 10 Oct 2026: every agency's entries, newest first."
    )
    assert app.state.summary is not None
    entries = app.state.summary.summary.entries
    # Oct 15 (health visiting) and the GP's late entry; not the police on the 8th, not the
    # entry for my own visit, not the colleague's visit (a visit is not a chronology entry).
    assert [e.summary for e in entries] == ["Weighed; gaining.", "GP: missed immunisations."]
    for item in entries:
        assert fc.has(f"summary.entry.{item.record_id}")
    assert problems(fc) == []


async def test_actions_from_earlier_visits_by_due_date_overdue_marked(
    app: Driver, seeded: FamilyIds
) -> None:
    await receive(app, history(seeded))
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    shown = [app.fc.value(f"summary.action.{i}") for i in range(3)]
    assert shown == [
        "Overdue. Due Tue 20 Oct 2026: Mother to register with GP",
        "Due Mon 09 Nov 2026: Nursery place",
        "Due Fri 20 Nov 2026: Review at core group",
    ]
    assert app.fc.one(key="summary.action.0").weight is not None  # marked, not by colour alone


async def test_fathers_and_male_carers_with_residency_and_responsibility(
    app: Driver, seeded: FamilyIds
) -> None:
    await receive(app, history(seeded))
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.summary")
    assert app.state.summary is not None
    adults = app.state.summary.summary.adults
    assert [a.name for a in adults] == ["Kieran Lomax", "Not named: tall man with a beard"]
    assert fc.value(f"summary.adult.{seeded.father_id}") == "Kieran Lomax (Birth father)"
    stranger = adults[1]
    assert fc.value(f"summary.adult.{stranger.adult_id}") == (
        "Not named: tall man with a beard (Man not yet identified)"
    )
    assert "Lives in the household. No parental responsibility." in fc.texts()
    # The mother is not listed among the men (an alert may still name her: A8 agency checks).
    shown = [
        str(c.value)
        for c in fc.all_controls()
        if str(getattr(c, "key", "")).startswith("summary.adult.")
    ]
    assert len(shown) == 2
    assert not [t for t in shown if "Ruby" in t]


async def test_a_child_i_have_not_visited_shows_everything(app: Driver, seeded: FamilyIds) -> None:
    await receive(app, history(seeded))
    fc = app.fc
    await fc.tap(key=f"child.{seeded.sibling_id}.summary")
    assert fc.value("summary.since").startswith("You have not visited this child yet")
    assert app.state.summary is not None
    assert [e.summary for e in app.state.summary.summary.entries] == ["Late to school."]
    assert fc.value("summary.actions.none") == "No actions recorded at earlier visits."
    assert fc.value("summary.due") == "No visit recorded"


async def test_start_the_visit_from_the_summary_then_resume_it(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.summary")
    assert fc.one(key="summary.visit").content == "Record a visit"
    await fc.tap(key="summary.visit")
    assert fc.has("screen.visit")
    assert fc.value("visit.child").startswith("Poppy Quarmby")
    await fc.tap(key="visit.leave")
    await fc.tap(key=f"child.{seeded.baby_id}.summary")
    assert fc.one(key="summary.visit").content == "Resume visit"
    await fc.tap(key="summary.chronology")
    assert fc.has("screen.chronology")


async def test_no_man_on_record_is_said_plainly(app: Driver) -> None:
    """A family whose only adult is the mother: ask about the father at this visit."""
    _, zara_id, versions = other_family(with_mother=True)
    await receive(app, versions)
    await app.fc.tap(key=f"child.{zara_id}.summary")
    assert app.fc.value("summary.adults.none").startswith("No father or male carer recorded")
    assert problems(app.fc) == []
