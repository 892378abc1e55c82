"""A1-A4 at their boundaries: write-up deadlines, statutory visits, seen alone, unseen."""

from datetime import date, timedelta

from shared.ids import new_id
from shared.rules import AlertCode, CPPlanInput, RuleSettings, Severity, VisitProgress
from shared.vocabulary import ChildStatus, InformationSource, NotSeenAloneReason, VisitType
from tests.shared.rules.builders import CHILD_ID, alerts_of, at, child, entry, noon, records, visit


def progress(**kw: object) -> VisitProgress:
    return VisitProgress.model_validate(
        {
            "record_id": new_id(),
            "child_ids": (CHILD_ID,),
            "visit_type": VisitType.STATUTORY_CP,
            "ended_at": at(2026, 4, 2, 15),
            **kw,
        }
    )


def test_a1_not_finalised_alerts_only_after_24_hours() -> None:
    case = records(visit_progress=(progress(),))
    assert alerts_of(case, at(2026, 4, 3, 15), AlertCode.A1) == []
    [late] = alerts_of(case, at(2026, 4, 3, 15, 1), AlertCode.A1)
    assert late.severity == Severity.OVERDUE
    assert "not finalised" in late.message


def test_a1_submission_due_two_working_days_after_over_easter() -> None:
    # Visit Thu 2 Apr 2026; Good Friday and Easter Monday skipped: due Wed 8 Apr.
    case = records(visit_progress=(progress(finalised_at=at(2026, 4, 2, 18)),))
    assert alerts_of(case, at(2026, 4, 8, 22), AlertCode.A1) == []
    [late] = alerts_of(case, at(2026, 4, 9, 9), AlertCode.A1)
    assert late.due == date(2026, 4, 8)
    assert "not submitted" in late.message
    assert "Wed 8 Apr 2026" in late.message


def test_a1_submitted_visit_raises_nothing() -> None:
    done = progress(finalised_at=at(2026, 4, 2, 18), submitted_at=at(2026, 4, 2, 19))
    assert alerts_of(records(visit_progress=(done,)), at(2026, 5, 1), AlertCode.A1) == []
    # The server sees only the submission: submitted implies finalised.
    synced = progress(submitted_at=at(2026, 4, 2, 19))
    assert alerts_of(records(visit_progress=(synced,)), at(2026, 5, 1), AlertCode.A1) == []


def test_a1_both_deadlines_missed_gives_two_alerts() -> None:
    case = records(visit_progress=(progress(),))
    assert {a.due for a in alerts_of(case, at(2026, 4, 9), AlertCode.A1)} == {
        date(2026, 4, 3),
        date(2026, 4, 8),
    }


def test_a2_statutory_visit_overdue_the_day_after_the_frequency() -> None:
    last = visit(at(2026, 10, 1))
    case = records(visits=(last,))
    assert alerts_of(case, at(2026, 10, 15), AlertCode.A2) == []
    [overdue] = alerts_of(case, at(2026, 10, 16), AlertCode.A2)
    assert overdue.record_ids == (last.record_id,)
    assert overdue.due == date(2026, 10, 15)


def test_a2_plan_frequency_wins_and_unseen_visits_do_not_count() -> None:
    plan = CPPlanInput(
        record_id=new_id(),
        child_ids=(CHILD_ID,),
        start_date=date(2026, 9, 1),
        visit_frequency_days=10,
    )
    visits = (visit(at(2026, 10, 1)), visit(at(2026, 10, 8), seen=False))
    case = records(visits=visits, plans=(plan,))
    assert alerts_of(case, at(2026, 10, 11), AlertCode.A2) == []
    assert len(alerts_of(case, at(2026, 10, 12), AlertCode.A2)) == 1


def test_a2_only_for_children_on_a_plan() -> None:
    case = records(child(ChildStatus.CIN), visits=(visit(at(2026, 1, 1)),))
    assert alerts_of(case, at(2026, 10, 16), AlertCode.A2) == []


def test_a3_not_seen_alone_at_two_consecutive_statutory_visits() -> None:
    first, second = visit(at(2026, 10, 1), alone=False), visit(at(2026, 10, 14), alone=False)
    [alert] = [
        a
        for a in alerts_of(records(visits=(first, second)), at(2026, 10, 15), AlertCode.A3)
        if "alone" in a.message
    ]
    assert set(alert.record_ids) == {first.record_id, second.record_id}
    case = records(visits=(first, visit(at(2026, 10, 14))))
    assert alerts_of(case, at(2026, 10, 15), AlertCode.A3) == []


def test_a3_pre_verbal_reason_does_not_count_as_not_seen_alone() -> None:
    baby = visit(at(2026, 10, 14), alone=False)
    pre_verbal = baby.model_copy(
        update={
            "visit": baby.visit.model_copy(
                update={"not_seen_alone_reason": NotSeenAloneReason.PRE_VERBAL}
            )
        }
    )
    first = visit(at(2026, 10, 1), alone=False)
    case = records(visits=(first, pre_verbal))
    assert [
        a for a in alerts_of(case, at(2026, 10, 15), AlertCode.A3) if "alone" in a.message
    ] == []


def test_a3_bedroom_not_seen_per_plan_rule() -> None:
    visits = (visit(at(2026, 10, 1), bedroom=False), visit(at(2026, 10, 14), bedroom=None))
    case = records(visits=visits)
    [alert] = alerts_of(case, at(2026, 10, 15), AlertCode.A3)
    assert "bedroom" in alert.message
    lenient = RuleSettings(default_bedroom_every_n_visits=3)
    assert alerts_of(case, at(2026, 10, 15), AlertCode.A3, lenient) == []


def test_a4_unseen_alert_at_42_days_not_41() -> None:
    seen = visit(at(2026, 10, 1), VisitType.TARGETED)
    case = records(visits=(seen,))
    assert alerts_of(case, noon(date(2026, 10, 1) + timedelta(days=41)), AlertCode.A4) == []
    [alert] = alerts_of(case, noon(date(2026, 10, 1) + timedelta(days=42)), AlertCode.A4)
    assert "42 days" in alert.message
    assert alert.record_ids == (seen.record_id,)
    [later] = alerts_of(case, noon(date(2026, 10, 1) + timedelta(days=43)), AlertCode.A4)
    assert "43 days" in later.message


def test_a4_another_agency_seeing_the_child_resets_the_clock() -> None:
    school = entry(at(2026, 10, 20), source=InformationSource.DIRECT_OBSERVATION)
    case = records(visits=(visit(at(2026, 10, 1), seen=True),), entries=(school,))
    assert alerts_of(case, noon(date(2026, 11, 12)), AlertCode.A4) == []
    [alert] = alerts_of(case, noon(date(2026, 12, 1)), AlertCode.A4)
    assert alert.record_ids == (school.record_id,)
