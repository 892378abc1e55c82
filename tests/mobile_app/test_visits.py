"""Finalising a visit stores the adult, the visit, the checklists and the chronology entry."""

from datetime import UTC, datetime

from mobile_app.services.records import RecordService
from mobile_app.services.visits.visits import ChildObservation, VisitService
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.models import (
    ChecklistAnswer,
    ChecklistResponse,
    ChronologyEntry,
    FatherQuestion,
    PersonPresent,
    Practitioner,
    SignificantAdult,
    Visit,
)
from shared.vocabulary import ChecklistRating, NeglectType, Relationship, Significance


def test_finalised_visit_is_queued_adult_first_with_its_chronology_entry(
    store: DeviceStore, caseload: dict[str, str], practitioner: Practitioner
) -> None:
    child_id = caseload["child_id"]
    father_id = new_id()
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    visit = Visit(
        child_ids=(child_id,),
        visit_type="statutory_CP",
        start=start,
        end=start.replace(hour=11),
        persons_present=(PersonPresent(description="mother"),),
        child_seen=True,
        seen_alone=False,
        not_seen_alone_reason="pre_verbal",
        seen_awake=True,
        father_or_male_carer=FatherQuestion(adult_ids=(father_id,)),
    )
    answers = (
        ChecklistAnswer(
            key="ENV.FOOD_IN_HOME",
            rating=ChecklistRating.SIGNIFICANT_CONCERN,
            evidence="Fridge and cupboards empty.",
        ),
        ChecklistAnswer(
            key="ENV.SAFE_SLEEP_SPACE",
            rating=ChecklistRating.SOME_CONCERN,
            evidence="Baby sleeping on the sofa.",
        ),
        ChecklistAnswer(key="PHY.HYGIENE", rating=ChecklistRating.MEETS_NEEDS),
    )
    records = RecordService(store)
    done = VisitService(records, practitioner).finalise(
        caseload["case_id"],
        visit,
        [ChildObservation(child_id, "0-1", answers)],
        summary="Home visit: no food in the home.",
        action_taken="Food bank referral.",
        new_adults={
            father_id: SignificantAdult(
                child_ids=(child_id,), relationship=Relationship.BIRTH_FATHER, name="Kieran Lomax"
            )
        },
    )
    kinds = [v.record_type for v in done.versions]
    assert kinds == ["significant_adult", "visit", "checklist_response", "chronology_entry"]
    assert store.outbox.peek(10) == [v.version_id for v in done.versions]
    assert done.versions[0].record_id == father_id
    checklist = done.versions[2].payload
    assert isinstance(checklist, ChecklistResponse)
    assert checklist.visit_id == done.visit.record_id
    entry = done.versions[3].payload
    assert isinstance(entry, ChronologyEntry)
    assert entry.author_id == practitioner.id
    assert entry.source_agency == practitioner.agency
    assert entry.event_datetime == start
    assert entry.significance == Significance.SIGNIFICANT
    assert entry.neglect_types == (NeglectType.ENVIRONMENTAL,)
    assert entry.visit_id == done.visit.record_id
