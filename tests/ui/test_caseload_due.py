"""The caseload says when each child's visit is due or overdue, overdue first, and flags a
family with no father or male carer on record (Child Q finding 4)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from mobile_app.services.visits.drafts import DraftService
from mobile_app.services.visits.finalise import FinaliseService
from mobile_app.services.visits.visit_due import OTHER_INTERVAL_WORKING_DAYS, VisitDue, visit_due
from mobile_app.services.working_days import add_working_days
from shared.ids import new_id
from shared.models import CPPlan
from shared.rules import RuleSettings
from shared.vocabulary import ChildStatus, CPCategory
from tests.ui.builders import other_family, visit_payload
from tests.ui.conftest import (
    Driver,
    FakeClock,
    FamilyIds,
    complete_draft,
    receive,
)
from tests.ui.fake_server import PRACTITIONER, pulled

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    """Today is Monday 2 November 2026."""
    pinned = FakeClock()
    pinned.now = MONDAY
    return pinned


def order(app: Driver) -> list[list[str]]:
    """Children's first names, family by family, as the caseload lists them."""
    assert app.state.overview is not None
    return [[c.child.given_name for c in f.children] for f in app.state.overview.families]


async def test_no_visit_recorded_then_due_then_overdue(
    app: Driver, seeded: FamilyIds, clock: FakeClock
) -> None:
    fc = app.fc
    assert fc.value(f"child.{seeded.baby_id}.due") == "No visit recorded"
    assert fc.value(f"child.{seeded.sibling_id}.due") == "No visit recorded"

    c = seeded.case_id
    await receive(
        app,
        [
            pulled(
                c, new_id(), visit_payload(seeded.baby_id, datetime(2026, 10, 19, tzinfo=UTC)), 40
            ),
            pulled(
                c, new_id(), visit_payload(seeded.sibling_id, datetime(2026, 10, 1, tzinfo=UTC)), 41
            ),
        ],
    )
    # Poppy is on a CP plan: the default 14 days after Monday 19 October. Alfie: 20 working
    # days after the 1st.
    assert fc.value(f"child.{seeded.baby_id}.due") == "Visit due today (Mon 02 Nov 2026)"
    assert fc.value(f"child.{seeded.sibling_id}.due") == (
        "Visit overdue by 4 days (was due Thu 29 Oct 2026)"
    )
    assert order(app) == [["Alfie", "Poppy"]]  # overdue first

    clock.now = MONDAY - timedelta(days=3)  # the Friday before
    await receive(app, [])
    assert fc.value(f"child.{seeded.baby_id}.due") == "Visit due in 3 days (Mon 02 Nov 2026)"


async def test_a_visit_finalised_here_restarts_the_count(
    app: Driver, seeded: FamilyIds, clock: FakeClock
) -> None:
    draft = complete_draft(seeded, started_at=MONDAY)
    DraftService(app.store).save(draft)
    overview = app.state.overview
    assert overview is not None
    row = overview.child(seeded.baby_id)
    assert row is not None
    assert FinaliseService(app.store, PRACTITIONER, MONDAY).finalise(draft, row.child).finalised
    await receive(app, [])
    assert app.fc.value(f"child.{seeded.baby_id}.due") == "Visit due in 14 days (Mon 16 Nov 2026)"


async def test_families_are_ordered_by_their_most_overdue_child(
    app: Driver, seeded: FamilyIds
) -> None:
    case_id, zara_id, versions = other_family(with_mother=True)
    await receive(app, versions)
    # Neither family has a visit: alphabetical, as before.
    assert order(app) == [["Zara"], ["Alfie", "Poppy"]]
    late = visit_payload(zara_id, datetime(2026, 10, 1, tzinfo=UTC))
    await receive(app, [pulled(case_id, new_id(), late, 60)])
    assert order(app) == [["Zara"], ["Alfie", "Poppy"]]
    old = visit_payload(seeded.baby_id, datetime(2026, 9, 1, tzinfo=UTC))
    await receive(app, [pulled(seeded.case_id, new_id(), old, 61)])
    assert order(app) == [["Poppy", "Alfie"], ["Zara"]]


async def test_a_family_with_no_man_on_record_is_flagged(app: Driver, seeded: FamilyIds) -> None:
    case_id, _, versions = other_family(with_mother=True)
    await receive(app, versions)
    assert app.fc.value(f"family.{case_id}.no_father") == (
        "No father or male carer recorded: ask about him at the next visit."
    )
    assert not app.fc.has(f"family.{seeded.case_id}.no_father")  # Kieran Lomax is recorded


@pytest.mark.parametrize(
    ("status", "last", "due"),
    [
        (ChildStatus.CP, date(2026, 10, 23), date(2026, 11, 6)),  # Friday to Friday
        (ChildStatus.CIN, date(2026, 10, 23), date(2026, 11, 20)),
        (ChildStatus.UNIVERSAL, date(2026, 11, 7), date(2026, 12, 4)),  # from a Saturday
    ],
    ids=["cp", "cin", "weekend"],
)
def test_due_dates_count_working_days(status: ChildStatus, last: date, due: date) -> None:
    start = datetime(last.year, last.month, last.day, 10, tzinfo=UTC)
    assert visit_due(status, start).due == due


def test_the_intervals_are_the_documented_defaults() -> None:
    assert RuleSettings().default_visit_frequency_days == 14
    assert OTHER_INTERVAL_WORKING_DAYS == 20
    assert add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)  # Friday to Monday
    assert add_working_days(date(2026, 11, 6), 0) == date(2026, 11, 6)


def test_working_days_skip_englands_bank_holidays() -> None:
    """Regression: the old Mon-Fri count made a due date on Christmas Day."""
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    start = datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert visit_due(ChildStatus.CIN, start).due == date(2026, 12, 29)


def test_a_plans_frequency_and_the_settings_set_the_cp_interval() -> None:
    start = datetime(2026, 11, 2, 10, tzinfo=UTC)
    assert visit_due(ChildStatus.CP, start, plan_every_days=10).due == date(2026, 11, 12)
    settings = RuleSettings(default_visit_frequency_days=28)
    assert visit_due(ChildStatus.CP, start, settings=settings).due == date(2026, 11, 30)


async def test_the_active_plans_frequency_sets_the_caseload_due_date(
    app: Driver, seeded: FamilyIds
) -> None:
    plan = CPPlan(
        child_ids=(seeded.baby_id,),
        categories=(CPCategory.NEGLECT,),
        icpc_date=date(2026, 9, 1),
        visit_frequency_days=10,
        lead_practitioner_id=new_id(),
    )
    visit = visit_payload(seeded.baby_id, datetime(2026, 10, 26, tzinfo=UTC))
    await receive(
        app,
        [pulled(seeded.case_id, new_id(), plan, 40), pulled(seeded.case_id, new_id(), visit, 41)],
    )
    # 10 days after Monday 26 October, not the default 14
    assert app.fc.value(f"child.{seeded.baby_id}.due") == "Visit due in 3 days (Thu 05 Nov 2026)"


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (date(2026, 11, 5), "Visit due in 1 day (Fri 06 Nov 2026)"),
        (date(2026, 11, 6), "Visit due today (Fri 06 Nov 2026)"),
        (date(2026, 11, 7), "Visit overdue by 1 day (was due Fri 06 Nov 2026)"),
    ],
    ids=["tomorrow", "today", "yesterday"],
)
def test_due_text(today: date, text: str) -> None:
    due = VisitDue(date(2026, 10, 23), date(2026, 11, 6))
    assert due.text(today) == text
    assert due.is_overdue(today) is text.startswith("Visit overdue")
