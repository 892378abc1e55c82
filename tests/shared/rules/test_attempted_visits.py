"""Visits without access: counted once as a missed contact (A5), never as the child seen
(A2, A4), and named in the overdue-visit alert as an attempt."""

from datetime import datetime, timedelta

from shared.ids import new_id
from shared.models import ChronologyEntry, Visit
from shared.rules import AlertCode
from shared.rules.inputs import EntryRecord, VisitRecord
from shared.vocabulary import ChildStatus, CPCategory, EventType, VisitType
from tests.shared.rules.builders import AUTHOR, CHILD_ID, alerts_of, at, child, records, visit


def attempted(start: datetime, visit_type: VisitType = VisitType.STATUTORY_CP) -> VisitRecord:
    """A visit where nobody answered, the child glimpsed through a window."""
    return VisitRecord(
        record_id=new_id(),
        visit=Visit(
            child_ids=(CHILD_ID,),
            visit_type=visit_type,
            start=start,
            end=start + timedelta(minutes=10),
            access="no_answer",
            access_attempts=("knocked", "card_left"),
            child_sighting="through_window",
            child_seen=False,
            seen_alone=False,
            not_seen_alone_reason="child_absent",
            next_steps="Visit again unannounced within 2 working days.",
        ),
    )


def its_entry(of: VisitRecord) -> EntryRecord:
    """The chronology entry the device makes with a visit without access."""
    return EntryRecord(
        record_id=new_id(),
        entry=ChronologyEntry(
            child_ids=(CHILD_ID,),
            event_datetime=of.visit.start,
            source_agency="health_visiting",
            information_source="direct_observation",
            author_id=AUTHOR,
            author_role="health_visitor",
            event_type=EventType.NO_ACCESS,
            summary="No access: nobody answered.",
            significance="significant",
            action_taken="Visit again unannounced within 2 working days.",
            visit_id=of.record_id,
        ),
    )


def test_a_visit_without_access_and_its_entry_count_once_for_a5() -> None:
    cin = child(ChildStatus.CIN)
    one = attempted(at(2026, 5, 1))
    case = records(cin, visits=(one,), entries=(its_entry(one),))
    # Twice in 90 days is the rule off a neglect plan: one attempt counted twice would fire.
    assert alerts_of(case, at(2026, 5, 9), AlertCode.A5) == []
    two = attempted(at(2026, 5, 8))
    case = records(cin, visits=(one, two), entries=(its_entry(one), its_entry(two)))
    assert len(alerts_of(case, at(2026, 5, 9), AlertCode.A5)) == 1


def test_one_attempt_on_a_neglect_plan_raises_a5() -> None:
    on_plan = child(ChildStatus.CP, categories=(CPCategory.NEGLECT,))
    case = records(on_plan, visits=(attempted(at(2026, 5, 1)),))
    assert len(alerts_of(case, at(2026, 5, 2), AlertCode.A5)) == 1


def test_an_attempt_does_not_count_as_the_child_seen_and_is_named_when_overdue() -> None:
    on_plan = child(ChildStatus.CP, categories=(CPCategory.NEGLECT,))
    seen = visit(at(2026, 3, 2))
    tried = attempted(at(2026, 3, 20))
    case = records(on_plan, visits=(seen, tried))
    (a2,) = alerts_of(case, at(2026, 4, 10), AlertCode.A2)
    assert "the last statutory visit with the child seen was on" in a2.message
    assert "attempted on" in a2.message
    assert "without access" in a2.message
    assert tried.record_id in a2.record_ids
    (a4,) = alerts_of(case, at(2026, 4, 20), AlertCode.A4)
    assert seen.record_id in a4.record_ids
