"""Alerts about timescales: A10 conferences, core groups and paperwork, A11 Healthy Child
Programme contacts, A12 escalation stages past their due date."""

from datetime import date, timedelta

from shared.rules.calendar import add_months, local_date
from shared.rules.context import RuleContext
from shared.rules.inputs import CONFERENCES, MeetingInput, MeetingType
from shared.rules.model import Alert, AlertCode, Severity, make_alert, when
from shared.vocabulary import VisitType


def _timescale(
    ctx: RuleContext, code: AlertCode, what: str, due: date, ids: list[str]
) -> list[Alert]:
    """Return a countdown from `countdown_days` before due, or an overdue flag after it."""
    if ctx.today > due:
        return [
            make_alert(
                code,
                ctx.child_id,
                Severity.OVERDUE,
                f"{what} overdue: it was due by {when(due)}.",
                ids,
                due=due,
            )
        ]
    if ctx.today >= due - timedelta(days=ctx.settings.countdown_days):
        left = ctx.calendar.working_days_between(ctx.today, due)
        count = "due today" if left <= 0 else f"{left} working day{'s' if left > 1 else ''} left"
        return [
            make_alert(
                code,
                ctx.child_id,
                Severity.DUE,
                f"{what} due by {when(due)} ({count}).",
                ids,
                due=due,
            )
        ]
    return []


def _icpc(ctx: RuleContext, icpcs: list[MeetingInput]) -> list[Alert]:
    last_icpc = icpcs[-1].held_on if icpcs else None
    pending = [
        m
        for m in ctx.meetings(MeetingType.STRATEGY)
        if m.s47_started and (last_icpc is None or m.held_on > last_icpc)
    ]
    if not pending:
        return []
    first = pending[0]
    due = ctx.calendar.add_working_days(first.held_on, ctx.settings.icpc_within_working_days)
    what = f"Initial child protection conference (strategy discussion {when(first.held_on)})"
    return _timescale(ctx, AlertCode.A10, what, due, [first.record_id])


def _after_icpc(ctx: RuleContext, icpc: MeetingInput) -> list[Alert]:
    s = ctx.settings
    out: list[Alert] = []
    core = [m for m in ctx.meetings(MeetingType.CORE_GROUP) if m.held_on >= icpc.held_on]
    if not core:
        due = ctx.calendar.add_working_days(icpc.held_on, s.core_group_within_working_days)
        out += _timescale(ctx, AlertCode.A10, "First core group", due, [icpc.record_id])
    reviews = [m for m in ctx.meetings(MeetingType.RCPC) if m.held_on >= icpc.held_on]
    if reviews:
        last = reviews[-1]
        due = add_months(last.held_on, s.later_rcpc_within_months)
        what = f"Review conference ({s.later_rcpc_within_months} months after the last review)"
        out += _timescale(ctx, AlertCode.A10, what, due, [last.record_id])
    else:
        due = add_months(icpc.held_on, s.first_rcpc_within_months)
        what = f"First review conference ({s.first_rcpc_within_months} months after the ICPC)"
        out += _timescale(ctx, AlertCode.A10, what, due, [icpc.record_id])
    return out


def _paperwork(ctx: RuleContext) -> list[Alert]:
    s = ctx.settings
    out: list[Alert] = []
    for meeting in ctx.meetings(*CONFERENCES):
        name = f"the {meeting.meeting_type.value} of {when(meeting.held_on)}"
        if meeting.plan_distributed_at is None:
            due = ctx.calendar.add_working_days(
                meeting.held_on, s.chairs_letter_within_working_days
            )
            what = f"Chair's letter and outline plan for {name}"
            out += _timescale(ctx, AlertCode.A10, what, due, [meeting.record_id])
        if meeting.minutes_distributed_at is None:
            due = ctx.calendar.add_working_days(meeting.held_on, s.minutes_within_working_days)
            out += _timescale(ctx, AlertCode.A10, f"Minutes of {name}", due, [meeting.record_id])
    return out


def a10_conference_timescales(ctx: RuleContext) -> list[Alert]:
    """A10: ICPC 15 WD after strategy, core group 10 WD, RCPC 3 then 6 months, paperwork."""
    icpcs = ctx.meetings(MeetingType.ICPC)
    out = _icpc(ctx, icpcs)
    if icpcs and ctx.on_cp:
        out += _after_icpc(ctx, icpcs[-1])
    return out + _paperwork(ctx)


def _hcp_windows(ctx: RuleContext) -> list[tuple[VisitType, str, date, date]]:
    s, child = ctx.settings, ctx.records.child
    if child.dob is None:
        if child.edd is None:
            return []
        start = child.edd - timedelta(weeks=40 - s.hcp_antenatal_from_weeks_gestation)
        return [(VisitType.HCP_ANTENATAL, "antenatal contact", start, child.edd)]
    dob = child.dob
    return [
        (
            VisitType.HCP_NEW_BIRTH,
            "new birth visit",
            dob + timedelta(days=s.hcp_new_birth_days[0]),
            dob + timedelta(days=s.hcp_new_birth_days[1]),
        ),
        (
            VisitType.HCP_6_8WK,
            "6-8 week review",
            dob + timedelta(days=s.hcp_6_8_week_days[0]),
            dob + timedelta(days=s.hcp_6_8_week_days[1]),
        ),
        (
            VisitType.HCP_1YR,
            "9-12 month review",
            add_months(dob, s.hcp_1_year_months[0]),
            add_months(dob, s.hcp_1_year_months[1]),
        ),
        (
            VisitType.HCP_2YR,
            "2-2½ year review",
            add_months(dob, s.hcp_2_year_months[0]),
            add_months(dob, s.hcp_2_year_months[1]),
        ),
    ]


def a11_hcp_contacts(ctx: RuleContext) -> list[Alert]:
    """A11: a Healthy Child Programme contact due in its window, or overdue until the next opens."""
    done = {v.visit.visit_type for v in ctx.visits()}
    windows = _hcp_windows(ctx)
    child = ctx.records.child
    horizon = (
        add_months(child.dob, ctx.settings.hcp_overdue_shown_until_months) if child.dob else (None)
    )
    out: list[Alert] = []
    for index, (kind, label, start, end) in enumerate(windows):
        if kind in done or ctx.today < start:
            continue
        later = windows[index + 1 :]
        if any(k in done for k, *_ in later):
            continue
        if ctx.today <= end:
            message = f"The {label} is due: its window is {when(start)} to {when(end)}."
            out.append(make_alert(AlertCode.A11, ctx.child_id, Severity.DUE, message, (), due=end))
        elif ctx.today < (later[0][2] if later else horizon or date.max):
            message = f"The {label} is overdue: its window closed on {when(end)}."
            out.append(
                make_alert(AlertCode.A11, ctx.child_id, Severity.OVERDUE, message, (), due=end)
            )
    return out


def a12_escalation(ctx: RuleContext) -> list[Alert]:
    """A12: an open escalation stage past its due date prompts the next stage."""
    mine = [e for e in ctx.records.escalations if e.child_id == ctx.child_id]
    out: list[Alert] = []
    for esc in mine:
        if esc.resolved_at is not None or any(
            o.stage > esc.stage and o.opened_at >= esc.opened_at for o in mine
        ):
            continue
        if esc.due_at is not None:
            due, late = local_date(esc.due_at), ctx.now > esc.due_at
        else:
            days = ctx.settings.escalation_stage_working_days[esc.stage - 1]
            due = ctx.calendar.add_working_days(local_date(esc.opened_at), days)
            late = ctx.today > due
        if not late:
            continue
        step = (
            f"move to stage {esc.stage + 1}"
            if esc.stage < 4
            else "stage 4 is the last: take it to the safeguarding partnership"
        )
        message = f"Escalation stage {esc.stage} was due to be resolved by {when(due)}: {step}."
        out.append(
            make_alert(
                AlertCode.A12, ctx.child_id, Severity.OVERDUE, message, [esc.record_id], due=due
            )
        )
    return out
