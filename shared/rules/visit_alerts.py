"""Alerts about visits: A1 write-up late, A2 statutory visit overdue, A3 seen alone / bedroom,
A4 not seen by any agency."""

from datetime import date, timedelta

from shared.rules.calendar import local_date
from shared.rules.context import RuleContext
from shared.rules.model import Alert, AlertCode, Severity, make_alert, when
from shared.vocabulary import EventType, InformationSource, NotSeenAloneReason, VisitType

_NOT_SEEN_EVENTS = frozenset(
    {EventType.NO_ACCESS, EventType.CHILD_NOT_SEEN, EventType.WAS_NOT_BROUGHT}
)
_SEEING_SOURCES = frozenset({InformationSource.DIRECT_OBSERVATION, InformationSource.CHILD_ACCOUNT})


def a1_write_up(ctx: RuleContext) -> list[Alert]:
    """A1: a visit not finalised within 24 hours, or not submitted within 2 working days."""
    out: list[Alert] = []
    s = ctx.settings
    for progress in ctx.records.visit_progress:
        if ctx.child_id not in progress.child_ids:
            continue
        ended = progress.ended_at
        visit_day = when(local_date(ended))
        finalise_by = ended + timedelta(hours=s.finalise_within_hours)
        submit_by = ctx.calendar.add_working_days(local_date(ended), s.submit_within_working_days)
        finalised = progress.finalised_at or progress.submitted_at
        if finalised is None and ctx.now > finalise_by:
            out.append(
                make_alert(
                    AlertCode.A1,
                    ctx.child_id,
                    Severity.OVERDUE,
                    f"The visit on {visit_day} is not finalised: it was due within "
                    f"{s.finalise_within_hours} hours of the visit. Tell the author.",
                    [progress.record_id],
                    due=local_date(finalise_by),
                )
            )
        if progress.submitted_at is None and ctx.today > submit_by:
            out.append(
                make_alert(
                    AlertCode.A1,
                    ctx.child_id,
                    Severity.OVERDUE,
                    f"The visit on {visit_day} is not submitted: it was due by "
                    f"{when(submit_by)}. Tell the author's supervisor.",
                    [progress.record_id],
                    due=submit_by,
                )
            )
    return out


def a2_statutory_visit(ctx: RuleContext) -> list[Alert]:
    """A2: the next statutory visit with the child seen is overdue against the plan frequency."""
    if not ctx.on_cp:
        return []
    plan = ctx.active_plan()
    every = (plan.visit_frequency_days if plan else None) or (
        ctx.settings.default_visit_frequency_days
    )
    seen = [
        v
        for v in ctx.visits()
        if v.visit.visit_type == VisitType.STATUTORY_CP and v.visit.child_seen
    ]
    if seen:
        last_day = local_date(seen[-1].visit.start)
        ids = [seen[-1].record_id]
        since = f"the last statutory visit with the child seen was on {when(last_day)}"
    elif plan is not None:
        last_day, ids = plan.start_date, [plan.record_id]
        since = f"no statutory visit seeing the child since the plan began on {when(last_day)}"
    else:
        return []
    due = last_day + timedelta(days=every)
    if ctx.today <= due:
        return []
    # An attempt without access is on the record, but the child still has to be seen.
    tried = [
        v
        for v in ctx.visits()
        if v.visit.visit_type == VisitType.STATUTORY_CP
        and v.visit.attempted_only
        and local_date(v.visit.start) > last_day
    ]
    if tried:
        since += f"; attempted on {when(local_date(tried[-1].visit.start))} without access"
        ids = [*ids, tried[-1].record_id]
    return [
        make_alert(
            AlertCode.A2,
            ctx.child_id,
            Severity.OVERDUE,
            f"Statutory visit overdue since {when(due)} (every {every} days): {since}. "
            "Tell the worker and manager.",
            ids,
            due=due,
        )
    ]


def a3_seen_alone_and_bedroom(ctx: RuleContext) -> list[Alert]:
    """A3: not seen alone at consecutive statutory visits, or bedroom not seen per plan rule."""
    if not ctx.on_cp:
        return []
    statutory = [v for v in ctx.visits() if v.visit.visit_type == VisitType.STATUTORY_CP]
    out: list[Alert] = []
    run = ctx.settings.not_seen_alone_consecutive
    recent = statutory[-run:]
    # A baby who cannot talk yet is not "seen alone" in any useful sense: the reason stands.
    if len(recent) == run and not any(
        v.visit.seen_alone or v.visit.not_seen_alone_reason == NotSeenAloneReason.PRE_VERBAL
        for v in recent
    ):
        out.append(
            make_alert(
                AlertCode.A3,
                ctx.child_id,
                Severity.ACTION,
                f"The child was not seen alone at the last {run} statutory visits "
                f"(latest {when(local_date(recent[-1].visit.start))}). Supervisor review needed.",
                [v.record_id for v in recent],
            )
        )
    plan = ctx.active_plan()
    every = (plan.bedroom_every_n_visits if plan else None) or (
        ctx.settings.default_bedroom_every_n_visits
    )
    recent = statutory[-every:]
    if len(recent) == every and not any(v.visit.bedroom_seen for v in recent):
        out.append(
            make_alert(
                AlertCode.A3,
                ctx.child_id,
                Severity.ACTION,
                f"The child's bedroom was not seen at the last {every} statutory visits; the "
                f"plan asks for it at least every {every}. Supervisor review needed.",
                [v.record_id for v in recent],
            )
        )
    return out


def _last_seen(ctx: RuleContext) -> tuple[date, str] | None:
    """Return the latest day any agency saw the child, and the record that shows it."""
    seen: list[tuple[date, str]] = [
        (local_date(v.visit.start), v.record_id) for v in ctx.visits() if v.visit.child_seen
    ]
    seen += [
        (local_date(e.entry.event_datetime), e.record_id)
        for e in ctx.entries()
        if e.entry.information_source in _SEEING_SOURCES
        and e.entry.event_type not in _NOT_SEEN_EVENTS
    ]
    return max(seen, default=None)


def a4_unseen(ctx: RuleContext) -> list[Alert]:
    """A4: a child on a CP plan not seen by any agency for 42 days (a setting)."""
    if not ctx.on_cp:
        return []
    limit = ctx.settings.unseen_alert_days
    last = _last_seen(ctx)
    plan = ctx.active_plan()
    if last is not None:
        since, ids, what = last[0], [last[1]], f"last seen on {when(last[0])}"
    elif plan is not None:
        since, ids = plan.start_date, [plan.record_id]
        what = f"no record of the child being seen since the plan began on {when(since)}"
    else:
        return []
    due = since + timedelta(days=limit)
    if ctx.today < due:
        return []
    return [
        make_alert(
            AlertCode.A4,
            ctx.child_id,
            Severity.OVERDUE,
            f"Not seen by any agency for {(ctx.today - since).days} days ({what}). "
            "Tell the manager and the lead practitioner.",
            ids,
            due=due,
        )
    ]
