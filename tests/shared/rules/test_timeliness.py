"""Finding 6: share of conference paperwork distributed on time, per month, against 80%."""

from datetime import date, datetime

from shared.ids import new_id
from shared.rules import MeetingInput, RuleSettings, distribution_timeliness
from shared.rules.inputs import MeetingType
from tests.shared.rules.builders import CALENDAR, CHILD_ID, at


def conference(
    held_on: date,
    plan_at: datetime | None,
    minutes_at: datetime | None,
    kind: MeetingType = MeetingType.ICPC,
) -> MeetingInput:
    return MeetingInput(
        record_id=new_id(),
        child_ids=(CHILD_ID,),
        meeting_type=kind,
        held_on=held_on,
        plan_distributed_at=plan_at,
        minutes_distributed_at=minutes_at,
    )


def test_plan_sent_on_the_working_day_after_christmas_eve_is_on_time() -> None:
    # Held Thu 24 Dec 2026; 25 and 28 Dec are bank holidays: the letter is due Tue 29 Dec.
    on_time = conference(date(2026, 12, 24), at(2026, 12, 29, 16), at(2027, 1, 5))
    late = conference(date(2026, 12, 24), at(2026, 12, 30, 9), at(2027, 1, 5))
    [period] = distribution_timeliness([on_time, late], at(2027, 2, 1), CALENDAR)
    assert period.period == "2026-12"
    assert (period.due, period.on_time, period.late, period.pending) == (4, 3, 1, 0)
    assert period.share_on_time == 0.75
    assert period.meets_standard is False


def test_per_month_with_the_80_percent_standard() -> None:
    meetings = [
        conference(date(2026, 11, 2), at(2026, 11, 3), at(2026, 11, 20)),
        conference(date(2026, 11, 9), at(2026, 11, 10), at(2026, 11, 27), MeetingType.RCPC),
        conference(date(2026, 11, 16), at(2026, 11, 17), at(2026, 12, 1)),
        conference(date(2026, 11, 23), at(2026, 11, 24), None),  # minutes never sent
        conference(date(2026, 11, 30), at(2026, 12, 1), at(2026, 12, 4)),
        conference(date(2026, 10, 5), None, None, MeetingType.CORE_GROUP),  # not a conference
    ]
    [november] = distribution_timeliness(meetings, at(2027, 1, 31), CALENDAR)
    assert (november.on_time, november.late) == (9, 1)
    assert november.share_on_time == 0.9
    assert november.meets_standard is True
    strict = RuleSettings(distribution_standard=0.95)
    [november] = distribution_timeliness(meetings, at(2027, 1, 31), CALENDAR, strict)
    assert november.meets_standard is False


def test_not_yet_due_paperwork_is_pending_not_late() -> None:
    fresh = conference(date(2027, 1, 4), at(2027, 1, 5), None)
    [period] = distribution_timeliness([fresh], at(2027, 1, 6), CALENDAR)
    assert (period.on_time, period.late, period.pending) == (1, 0, 1)
    assert period.share_on_time == 1.0
    [only_pending] = distribution_timeliness(
        [conference(date(2027, 1, 4), None, None)], at(2027, 1, 4), CALENDAR
    )
    assert only_pending.share_on_time is None
    assert only_pending.meets_standard is None


def test_a_meeting_counted_once_and_months_in_order() -> None:
    dec = conference(date(2026, 12, 1), at(2026, 12, 2), at(2026, 12, 2))
    nov = conference(date(2026, 11, 2), at(2026, 11, 3), at(2026, 11, 3))
    result = distribution_timeliness([dec, nov, dec], at(2027, 1, 31), CALENDAR)
    assert [p.period for p in result] == ["2026-11", "2026-12"]
    assert [p.due for p in result] == [2, 2]
