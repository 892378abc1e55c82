"""Finding 6: the share of conference paperwork distributed on time, per month, against 80%."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from shared.rules.calendar import WorkingDayCalendar, local_date
from shared.rules.inputs import CONFERENCES, MeetingInput
from shared.rules.settings import RuleSettings


class PeriodTimeliness(BaseModel):
    """One month's conference paperwork: how much was due, how much went out on time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: str
    due: int
    on_time: int
    late: int
    pending: int
    share_on_time: float | None
    standard: float
    meets_standard: bool | None


def _item_status(distributed_at: datetime | None, due: date, today: date) -> str:
    if distributed_at is not None:
        return "on_time" if local_date(distributed_at) <= due else "late"
    return "late" if today > due else "pending"


def distribution_timeliness(
    meetings: Iterable[MeetingInput],
    now: datetime,
    calendar: WorkingDayCalendar,
    settings: RuleSettings | None = None,
) -> list[PeriodTimeliness]:
    """Return, per month a conference was held, the share of its paperwork sent on time.

    Each conference has two items: the chair's letter with the outline plan (due 1 working
    day after) and the minutes (due 15). An item not sent and not yet due is pending and left
    out of the share; one not sent and past due counts as late.
    """
    s = settings or RuleSettings()
    today = local_date(now)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seen: set[str] = set()
    for meeting in meetings:
        if meeting.meeting_type not in CONFERENCES or meeting.record_id in seen:
            continue
        seen.add(meeting.record_id)
        period = f"{meeting.held_on:%Y-%m}"
        items = (
            (meeting.plan_distributed_at, s.chairs_letter_within_working_days),
            (meeting.minutes_distributed_at, s.minutes_within_working_days),
        )
        for distributed_at, days in items:
            due = calendar.add_working_days(meeting.held_on, days)
            counts[period][_item_status(distributed_at, due, today)] += 1
    out: list[PeriodTimeliness] = []
    for period in sorted(counts):
        c = counts[period]
        decided = c["on_time"] + c["late"]
        share = c["on_time"] / decided if decided else None
        out.append(
            PeriodTimeliness(
                period=period,
                due=decided,
                on_time=c["on_time"],
                late=c["late"],
                pending=c["pending"],
                share_on_time=share,
                standard=s.distribution_standard,
                meets_standard=None if share is None else share >= s.distribution_standard,
            )
        )
    return out
