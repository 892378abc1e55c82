"""Alerts do not depend on the order records arrive in: shuffled inputs give the same alerts."""

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from shared.rules import (
    AlertCode,
    Audience,
    CaseRecords,
    DecisionInput,
    DecisionOption,
    EscalationInput,
    MeetingInput,
    VisitProgress,
    caseload_alerts,
    compute_alerts,
)
from shared.rules.inputs import MeetingType
from shared.vocabulary import EventType, Relationship, Significance, VisitType
from tests.shared.rules.builders import (
    CALENDAR,
    CHILD_ID,
    adult,
    at,
    child,
    entry,
    records,
    visit,
)

NOW = at(2026, 6, 10)
_injury = entry(at(2026, 6, 8), EventType.INJURY, Significance.SERIOUS)
_same_day = entry(at(2026, 6, 8), EventType.ALLEGATION)
CASE = records(
    visits=(
        visit(at(2026, 4, 1), alone=False, scaling=(("Mother", 7),)),
        visit(at(2026, 4, 1), alone=False, bedroom=False, scaling=(("Mother", 4),)),
        visit(at(2026, 4, 20), VisitType.TARGETED, described="Unknown man"),
        visit(at(2026, 4, 20), VisitType.NO_ACCESS, seen=False),
    ),
    visit_progress=(
        VisitProgress(
            record_id=new_id(),
            child_ids=(CHILD_ID,),
            visit_type=VisitType.STATUTORY_CP,
            ended_at=at(2026, 6, 5),
        ),
    ),
    entries=(
        _injury,
        _same_day,
        entry(at(2026, 5, 1), EventType.WAS_NOT_BROUGHT),
        entry(at(2026, 5, 2), EventType.ADDRESS_MOVE),
        entry(at(2026, 5, 2), EventType.ADDRESS_MOVE),
        *(
            entry(at(2026, 5, d), significance=Significance.SIGNIFICANT, neglect=True)
            for d in (3, 4, 5)
        ),
    ),
    adults=(
        adult(Relationship.UNKNOWN_MALE, name=None, checked=None),
        adult(Relationship.LODGER, checked=None),
    ),
    meetings=(
        MeetingInput(
            record_id=new_id(),
            child_ids=(CHILD_ID,),
            meeting_type=MeetingType.ICPC,
            held_on=date(2026, 3, 2),
        ),
        MeetingInput(
            record_id=new_id(),
            child_ids=(CHILD_ID,),
            meeting_type=MeetingType.RCPC,
            held_on=date(2026, 6, 1),
        ),
        MeetingInput(
            record_id=new_id(),
            child_ids=(CHILD_ID,),
            meeting_type=MeetingType.STRATEGY,
            held_on=date(2026, 6, 3),
            s47_started=True,
        ),
    ),
    decisions=(
        DecisionInput(
            record_id=new_id(),
            trigger_entry_id=_injury.record_id,
            options_considered=(
                DecisionOption.REQUEST_STRATEGY_DISCUSSION,
                DecisionOption.NO_ACTION,
            ),
            decision=DecisionOption.NO_ACTION,
            rationale="Synthetic.",
            decided_by=new_id(),
            decided_at=at(2026, 6, 8, 15),
        ),
    ),
    escalations=(
        EscalationInput(record_id=new_id(), child_id=CHILD_ID, stage=1, opened_at=at(2026, 5, 1)),
        EscalationInput(record_id=new_id(), child_id=CHILD_ID, stage=2, opened_at=at(2026, 5, 1)),
    ),
)
EXPECTED = compute_alerts(CASE, NOW, CALENDAR)
FIELDS = ("visits", "entries", "adults", "meetings", "escalations")


def test_the_rich_case_raises_many_kinds_of_alert() -> None:
    codes = {a.code for a in EXPECTED}
    assert {AlertCode.A1, AlertCode.A3, AlertCode.A5, AlertCode.A6, AlertCode.A7} <= codes
    assert {AlertCode.A8, AlertCode.A9, AlertCode.A10, AlertCode.A12, AlertCode.F4} <= codes


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_shuffled_records_give_the_same_alerts(data: st.DataObject) -> None:
    shuffled = {name: data.draw(st.permutations(getattr(CASE, name))) for name in FIELDS}
    again = compute_alerts(CaseRecords.model_validate({**dict(CASE), **shuffled}), NOW, CALENDAR)
    assert again == EXPECTED


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_duplicated_records_give_the_same_alerts(data: st.DataObject) -> None:
    """A record that arrives twice (a resent sync page) changes nothing."""
    name = data.draw(st.sampled_from(FIELDS))
    items = getattr(CASE, name)
    extra = data.draw(st.sampled_from(items))
    doubled = CaseRecords.model_validate({**dict(CASE), name: (*items, extra)})
    assert compute_alerts(doubled, NOW, CALENDAR) == EXPECTED


def test_each_alert_names_who_it_goes_to() -> None:
    a6 = next(a for a in EXPECTED if a.code == AlertCode.A6)
    assert Audience.SUPERVISOR in a6.audience
    assert all(a.audience for a in EXPECTED)


def test_caseload_puts_overdue_first_and_keeps_every_child() -> None:
    other_id = new_id()
    other = CaseRecords(child_id=other_id, child=child(dob=date(2026, 5, 1)))
    merged = caseload_alerts([other, CASE], NOW, CALENDAR)
    assert {a.child_id for a in merged} == {CHILD_ID, other_id}
    assert len(merged) == len(EXPECTED) + len(compute_alerts(other, NOW, CALENDAR))
    ranks = [("overdue", "action", "due").index(a.severity.value) for a in merged]
    assert ranks == sorted(ranks)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="now: give an aware datetime"):
        compute_alerts(CASE, datetime(2026, 6, 10), CALENDAR)


def test_records_about_a_sibling_only_raise_nothing_for_this_child() -> None:
    sibling = new_id()
    theirs = tuple(m.model_copy(update={"child_ids": (sibling,)}) for m in CASE.meetings)
    moved = CaseRecords.model_validate({**dict(CASE), "meetings": theirs})
    assert not [a for a in compute_alerts(moved, NOW, CALENDAR) if a.code == AlertCode.A10]
    assert [a for a in EXPECTED if a.code == AlertCode.A10]
