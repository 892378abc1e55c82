"""A10 conference timescales and paperwork, A11 HCP contacts, A12 escalation."""

from datetime import date, datetime

import pytest

from shared.ids import new_id
from shared.rules import AlertCode, EscalationInput, MeetingInput, Severity
from shared.rules.inputs import MeetingType
from shared.vocabulary import ChildStatus, VisitType
from tests.shared.rules.builders import CHILD_ID, alerts_of, at, child, noon, records, visit


def meeting(kind: MeetingType, held_on: date, **kw: object) -> MeetingInput:
    return MeetingInput.model_validate(
        {
            "record_id": new_id(),
            "child_ids": (CHILD_ID,),
            "meeting_type": kind,
            "held_on": held_on,
            **kw,
        }
    )


def a10(case: object, now: datetime, words: str) -> list[str]:
    return [
        f"{a.severity}@{a.due}"
        for a in alerts_of(case, now, AlertCode.A10)  # type: ignore[arg-type]
        if words in a.message
    ]


STRATEGY = meeting(MeetingType.STRATEGY, date(2026, 12, 14), s47_started=True)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 20), []),
        (date(2027, 1, 7), ["due@2027-01-07"]),
        (date(2027, 1, 8), ["overdue@2027-01-07"]),
    ],
    ids=["before-countdown", "exactly-15-working-days", "day-after"],
)
def test_a10_icpc_15_working_days_over_christmas(today: date, expected: list[str]) -> None:
    case = records(child(ChildStatus.CIN), meetings=(STRATEGY,))
    assert a10(case, noon(today), "Initial child protection conference") == expected


def test_a10_icpc_held_on_the_15th_working_day_closes_it() -> None:
    icpc = meeting(MeetingType.ICPC, date(2027, 1, 7))
    assert a10(records(meetings=(STRATEGY, icpc)), noon(date(2027, 1, 8)), "Initial") == []


def test_a10_strategy_without_s47_starts_no_clock() -> None:
    talk = meeting(MeetingType.STRATEGY, date(2026, 12, 14))
    assert a10(records(meetings=(talk,)), noon(date(2027, 1, 8)), "Initial") == []


def test_a10_core_group_ten_working_days_after_icpc() -> None:
    icpc = meeting(MeetingType.ICPC, date(2027, 1, 7))
    case = records(meetings=(icpc,))
    assert a10(case, noon(date(2027, 1, 21)), "First core group") == ["due@2027-01-21"]
    assert a10(case, noon(date(2027, 1, 22)), "First core group") == ["overdue@2027-01-21"]
    held = records(meetings=(icpc, meeting(MeetingType.CORE_GROUP, date(2027, 1, 20))))
    assert a10(held, noon(date(2027, 1, 22)), "First core group") == []


def test_a10_review_conference_three_then_six_months() -> None:
    icpc = meeting(MeetingType.ICPC, date(2027, 1, 7))
    assert a10(records(meetings=(icpc,)), noon(date(2027, 4, 8)), "First review") == [
        "overdue@2027-04-07"
    ]
    rcpc = meeting(MeetingType.RCPC, date(2027, 4, 1))
    case = records(meetings=(icpc, rcpc))
    assert a10(case, noon(date(2027, 4, 8)), "First review") == []
    assert a10(case, noon(date(2027, 10, 2)), "Review conference") == ["overdue@2027-10-01"]


def test_a10_chairs_letter_one_working_day_after_christmas_eve() -> None:
    icpc = meeting(MeetingType.ICPC, date(2026, 12, 24))
    case = records(meetings=(icpc,))
    assert a10(case, noon(date(2026, 12, 29)), "Chair's letter") == ["due@2026-12-29"]
    assert a10(case, noon(date(2026, 12, 30)), "Chair's letter") == ["overdue@2026-12-29"]
    sent = records(meetings=(icpc.model_copy(update={"plan_distributed_at": at(2026, 12, 29)}),))
    assert a10(sent, noon(date(2026, 12, 30)), "Chair's letter") == []


def test_a10_minutes_fifteen_working_days() -> None:
    icpc = meeting(MeetingType.ICPC, date(2026, 12, 14))
    assert a10(records(meetings=(icpc,)), noon(date(2027, 1, 8)), "Minutes") == [
        "overdue@2027-01-07"
    ]


BORN = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 9), []),
        (date(2026, 12, 10), ["due"]),
        (date(2027, 3, 10), ["due"]),  # the first birthday: still in the 9-12 month window
        (date(2027, 3, 11), ["overdue"]),
    ],
    ids=["before-9-months", "9-months", "turning-one", "day-after-birthday"],
)
def test_a11_one_year_review_window(today: date, expected: list[str]) -> None:
    done = tuple(visit(at(2026, 3, 21), t) for t in (VisitType.HCP_NEW_BIRTH, VisitType.HCP_6_8WK))
    case = records(child(ChildStatus.UNIVERSAL, dob=BORN), visits=done)
    alerts = alerts_of(case, noon(today), AlertCode.A11)
    assert [a.severity.value for a in alerts if "9-12 month" in a.message] == expected
    assert len(alerts) == len(expected)


def test_a11_done_review_clears_it() -> None:
    done = tuple(
        visit(at(2027, 1, 5), t)
        for t in (VisitType.HCP_NEW_BIRTH, VisitType.HCP_6_8WK, VisitType.HCP_1YR)
    )
    case = records(child(ChildStatus.UNIVERSAL, dob=BORN), visits=done)
    assert alerts_of(case, noon(date(2027, 3, 11)), AlertCode.A11) == []


def test_a11_missed_new_birth_overdue_until_the_next_window() -> None:
    case = records(child(ChildStatus.UNIVERSAL, dob=BORN))
    [alert] = alerts_of(case, noon(date(2026, 3, 25)), AlertCode.A11)
    assert (alert.severity, alert.due) == (Severity.OVERDUE, date(2026, 3, 24))


def test_a11_missed_two_year_review_shown_until_age_five() -> None:
    older = child(ChildStatus.UNIVERSAL, dob=date(2022, 1, 10))
    done = tuple(
        visit(at(2022, 2, 1), t)
        for t in (VisitType.HCP_NEW_BIRTH, VisitType.HCP_6_8WK, VisitType.HCP_1YR)
    )
    [alert] = alerts_of(records(older, visits=done), noon(date(2027, 1, 9)), AlertCode.A11)
    assert "2-2½ year review is overdue" in alert.message
    assert alerts_of(records(older, visits=done), noon(date(2027, 1, 10)), AlertCode.A11) == []


def test_a10_countdown_says_how_many_working_days_are_left() -> None:
    case = records(child(ChildStatus.CIN), meetings=(STRATEGY,))
    [today] = alerts_of(case, noon(date(2027, 1, 7)), AlertCode.A10)
    assert "(due today)" in today.message
    [one] = alerts_of(case, noon(date(2027, 1, 6)), AlertCode.A10)
    assert "(1 working day left)" in one.message
    [five] = alerts_of(case, noon(date(2026, 12, 30)), AlertCode.A10)
    assert "(5 working days left)" in five.message


def test_a11_antenatal_contact_from_28_weeks() -> None:
    unborn = child(ChildStatus.UNIVERSAL, dob=None, edd=date(2026, 9, 1))
    assert alerts_of(records(unborn), noon(date(2026, 6, 8)), AlertCode.A11) == []
    [alert] = alerts_of(records(unborn), noon(date(2026, 6, 9)), AlertCode.A11)
    assert "antenatal" in alert.message


def escalation(stage: int, opened: datetime, **kw: object) -> EscalationInput:
    return EscalationInput.model_validate(
        {"record_id": new_id(), "child_id": CHILD_ID, "stage": stage, "opened_at": opened, **kw}
    )


def test_a12_stage_one_overdue_after_two_working_days_over_easter() -> None:
    stage1 = escalation(1, at(2026, 4, 2))  # due Wed 8 Apr
    assert alerts_of(records(escalations=(stage1,)), at(2026, 4, 8, 20), AlertCode.A12) == []
    [alert] = alerts_of(records(escalations=(stage1,)), at(2026, 4, 9), AlertCode.A12)
    assert "move to stage 2" in alert.message
    stage2 = escalation(2, at(2026, 4, 9))
    assert [
        a.record_ids
        for a in alerts_of(records(escalations=(stage1, stage2)), at(2026, 4, 9), AlertCode.A12)
    ] == []


def test_a12_explicit_due_and_resolution() -> None:
    stage = escalation(3, at(2026, 4, 1), due_at=at(2026, 4, 1, 17))
    assert len(alerts_of(records(escalations=(stage,)), at(2026, 4, 1, 18), AlertCode.A12)) == 1
    done = stage.model_copy(update={"resolved_at": at(2026, 4, 1, 16)})
    assert alerts_of(records(escalations=(done,)), at(2026, 4, 1, 18), AlertCode.A12) == []
