"""Small builders for rule tests: a child, visits, entries and the England calendar."""

from datetime import UTC, date, datetime, timedelta

from shared.ids import new_id
from shared.models import (
    Child,
    ChronologyEntry,
    FatherQuestion,
    PersonPresent,
    SafetyScale,
    SignificantAdult,
    Visit,
)
from shared.rules import (
    Alert,
    AlertCode,
    CaseRecords,
    EntryRecord,
    RuleSettings,
    VisitRecord,
    WorkingDayCalendar,
    compute_alerts,
)
from shared.rules.inputs import AdultRecord
from shared.vocabulary import (
    ChildStatus,
    CPCategory,
    EventType,
    InformationSource,
    Relationship,
    Significance,
    VisitType,
)

# Hand-typed for tests only; the app and server feed the `holidays` package's dates.
ENGLAND_BANK_HOLIDAYS = frozenset(
    {
        date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5),
        date(2025, 5, 26), date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26),
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    }
)  # fmt: skip
CALENDAR = WorkingDayCalendar(ENGLAND_BANK_HOLIDAYS)
CHILD_ID = new_id()
AUTHOR = new_id()


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """Return an aware UTC datetime (noon by default, the same date in London all year)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def noon(day: date) -> datetime:
    """Return noon UTC on a date."""
    return at(day.year, day.month, day.day)


def child(
    status: ChildStatus = ChildStatus.CP,
    categories: tuple[CPCategory, ...] = (CPCategory.NEGLECT,),
    dob: date | None = date(2022, 5, 1),
    edd: date | None = None,
) -> Child:
    """Return a child, on a neglect CP plan unless told otherwise."""
    return Child(
        given_name="Test",
        family_name="Child",
        dob=dob,
        edd=edd,
        status=status,
        cp_categories=categories if status == ChildStatus.CP else (),
    )


def visit(
    start: datetime,
    visit_type: VisitType = VisitType.STATUTORY_CP,
    *,
    seen: bool = True,
    alone: bool = True,
    bedroom: bool | None = True,
    scaling: tuple[tuple[str, int], ...] = (),
    described: str | None = None,
) -> VisitRecord:
    """Return a finalised visit to the test child."""
    present = (PersonPresent(description=described),) if described else ()
    return VisitRecord(
        record_id=new_id(),
        visit=Visit(
            child_ids=(CHILD_ID,),
            visit_type=visit_type,
            start=start,
            end=start + timedelta(hours=1),
            persons_present=(PersonPresent(person_id=AUTHOR), *present),
            child_seen=seen,
            seen_alone=alone and seen,
            not_seen_alone_reason=None if alone and seen else "parent_refused",
            bedroom_seen=bedroom,
            father_or_male_carer=FatherQuestion(not_known_reason="Mother declined to say."),
            scaling=tuple(SafetyScale(rated_by=who, value=v) for who, v in scaling),
        ),
    )


def entry(
    when: datetime,
    event_type: EventType = EventType.HOME_VISIT,
    significance: Significance = Significance.CONTEXTUAL,
    *,
    neglect: bool = False,
    source: InformationSource = InformationSource.PROFESSIONAL_REPORT,
    recorded_at: datetime | None = None,
) -> EntryRecord:
    """Return a chronology entry about the test child."""
    return EntryRecord(
        record_id=new_id(),
        recorded_at=recorded_at,
        entry=ChronologyEntry(
            child_ids=(CHILD_ID,),
            event_datetime=when,
            source_agency="health_visiting",
            information_source=source,
            author_id=AUTHOR,
            author_role="health_visitor",
            event_type=event_type,
            summary="Synthetic test entry.",
            significance=significance,
            neglect_types=("physical",) if neglect else (),
            action_taken="Recorded for the test.",
        ),
    )


def adult(
    relationship: Relationship = Relationship.BIRTH_FATHER,
    *,
    name: str | None = "Sam Test",
    last_seen_at: datetime | None = None,
    checked: date | None = date(2026, 1, 5),
) -> AdultRecord:
    """Return a significant adult of the test child."""
    return AdultRecord(
        record_id=new_id(),
        agency_checks_done_on=checked,
        adult=SignificantAdult(
            child_ids=(CHILD_ID,),
            relationship=relationship,
            name=name,
            description_if_unidentified=None if name else "Tall man in the kitchen",
            last_seen_at=last_seen_at,
        ),
    )


def records(the_child: Child | None = None, **parts: object) -> CaseRecords:
    """Return the test child's case records."""
    return CaseRecords.model_validate(
        {"child_id": CHILD_ID, "child": the_child or child(), **parts}
    )


def alerts_of(
    case: CaseRecords, now: datetime, code: AlertCode, settings: RuleSettings | None = None
) -> list[Alert]:
    """Return the alerts of one code for the case at `now`."""
    return [a for a in compute_alerts(case, now, CALENDAR, settings) if a.code == code]
