"""Alerts about incidents: A5 was not brought / no access, A6 decision after a serious entry
(Child Q finding 2), A7 accumulating neglect and falling safety scales."""

from collections import defaultdict
from datetime import date, timedelta

from shared.rules.calendar import local_date
from shared.rules.context import RuleContext
from shared.rules.decisions import decision_counts
from shared.rules.inputs import DecisionInput, DecisionOption, EntryRecord
from shared.rules.model import Alert, AlertCode, Severity, make_alert, when
from shared.vocabulary import EventType, Significance, VisitType

_MISSED = frozenset({EventType.WAS_NOT_BROUGHT, EventType.NO_ACCESS})
_A6_EVENTS = frozenset({EventType.ALLEGATION, EventType.INJURY})
_SIGNIFICANT = frozenset({Significance.SIGNIFICANT, Significance.SERIOUS})


def _decisions_on(ctx: RuleContext, record_id: str) -> list[DecisionInput]:
    return [d for d in ctx.records.decisions if d.trigger_entry_id == record_id]


def _decided(ctx: RuleContext, record_id: str) -> bool:
    return any(decision_counts(d, ctx.on_cp) for d in _decisions_on(ctx, record_id))


def _plan_start(ctx: RuleContext) -> date | None:
    plan = ctx.active_plan()
    return plan.start_date if plan else None


def _known_on(record: EntryRecord) -> date:
    """Return the day an entry became known: when recorded, else the event date."""
    return local_date(record.recorded_at or record.entry.event_datetime)


def a5_missed_contacts(ctx: RuleContext) -> list[Alert]:
    """A5: was-not-brought or no-access, once on a neglect CP plan, else twice in 90 days."""
    entries = [e for e in ctx.entries() if e.entry.event_type in _MISSED]
    missed: list[tuple[date, str]] = [
        (local_date(e.entry.event_datetime), e.record_id) for e in entries
    ]
    # A visit without access is counted once: by its chronology entry when there is one.
    counted = {e.entry.visit_id for e in entries if e.entry.visit_id}
    missed += [
        (local_date(v.visit.start), v.record_id)
        for v in ctx.visits()
        if (v.visit.visit_type == VisitType.NO_ACCESS or v.visit.attempted_only)
        and v.record_id not in counted
    ]
    missed.sort()
    s = ctx.settings
    if ctx.neglect_cp:
        start = _plan_start(ctx)
        open_ = [m for m in missed if (start is None or m[0] >= start) and not _decided(ctx, m[1])]
        if len(open_) < s.wnb_neglect_cp_threshold:
            return []
        rule = "on a neglect child protection plan one missed contact is a concern"
    else:
        since = ctx.today - timedelta(days=s.wnb_window_days)
        open_ = [m for m in missed if since < m[0] <= ctx.today]
        if len(open_) < s.wnb_other_threshold or _decided(ctx, open_[-1][1]):
            return []
        rule = f"{len(open_)} in the last {s.wnb_window_days} days"
    return [
        make_alert(
            AlertCode.A5,
            ctx.child_id,
            Severity.ACTION,
            f"Child not brought or no access (latest {when(open_[-1][0])}): {rule}. "
            "Act now and record a decision.",
            [m[1] for m in open_],
        )
    ]


def _entry_named(record: EntryRecord) -> str:
    """An entry as a practitioner finds it in the chronology: its kind and its own date
    (and when it became known, where that was a later day)."""
    kind = record.entry.event_type.value.replace("_", " ")
    happened = local_date(record.entry.event_datetime)
    known = _known_on(record)
    later = f", recorded {when(known)}" if known != happened else ""
    return f"the {kind} entry of {when(happened)}{later}"


def _a6_message(ctx: RuleContext, record: EntryRecord, due: date) -> str:
    what = _entry_named(record)
    decisions = _decisions_on(ctx, record.record_id)
    if any(
        DecisionOption.REQUEST_STRATEGY_DISCUSSION not in d.options_considered for d in decisions
    ):
        return (
            f"The decision on {what} did not consider requesting a strategy discussion: record "
            f"the decision again with that option, by {when(due)}."
        )
    if any(d.decision == DecisionOption.NO_ACTION for d in decisions):
        return (
            f'"No action" on {what} waits for a supervisor\'s countersignature; it does not count '
            f"until signed (due {when(due)})."
        )
    return (
        f"A decision is needed on {what} by {when(due)}: consider requesting a strategy "
        "discussion; record the rationale."
    )


def a6_decision_required(ctx: RuleContext) -> list[Alert]:
    """A6: a serious entry, allegation or injury on a CP case needs a decision in 1 working day."""
    if not ctx.on_cp:
        return []
    start = _plan_start(ctx)
    out: list[Alert] = []
    for record in ctx.entries():
        entry = record.entry
        if entry.significance != Significance.SERIOUS and entry.event_type not in _A6_EVENTS:
            continue
        if (start is not None and _known_on(record) < start) or _decided(ctx, record.record_id):
            continue
        due = ctx.calendar.add_working_days(
            _known_on(record), ctx.settings.decision_within_working_days
        )
        ids = [record.record_id] + [d.record_id for d in _decisions_on(ctx, record.record_id)]
        severity = Severity.OVERDUE if ctx.today > due else Severity.DUE
        out.append(
            make_alert(
                AlertCode.A6, ctx.child_id, severity, _a6_message(ctx, record, due), ids, due=due
            )
        )
    return out


def _scaling_falls(ctx: RuleContext) -> list[Alert]:
    history: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for record in ctx.visits():
        per_rater: dict[str, int] = {}
        for scale in record.visit.scaling:
            per_rater[scale.rated_by] = min(scale.value, per_rater.get(scale.rated_by, 10))
        for rater, value in per_rater.items():
            history[rater].append((value, record.record_id))
    out: list[Alert] = []
    for rater in sorted(history):
        ratings = history[rater]
        if len(ratings) < 2:
            continue
        (before, before_id), (after, after_id) = ratings[-2], ratings[-1]
        if before - after >= ctx.settings.scaling_fall_points:
            out.append(
                make_alert(
                    AlertCode.A7,
                    ctx.child_id,
                    Severity.ACTION,
                    f"The safety scale given by {rater} fell from {before} to {after}. Analyse "
                    "the chronology with a supervisor; consider a strategy discussion.",
                    [before_id, after_id],
                )
            )
    return out


def a7_accumulating_neglect(ctx: RuleContext) -> list[Alert]:
    """A7: 3 significant neglect entries in 90 days, or a safety scale falling by 2 points."""
    s = ctx.settings
    since = ctx.today - timedelta(days=s.significant_neglect_window_days)
    hits = [
        e
        for e in ctx.entries()
        if e.entry.significance in _SIGNIFICANT
        and e.entry.neglect_types
        and since < local_date(e.entry.event_datetime) <= ctx.today
    ]
    out = _scaling_falls(ctx)
    if len(hits) >= s.significant_neglect_threshold:
        out.append(
            make_alert(
                AlertCode.A7,
                ctx.child_id,
                Severity.ACTION,
                f"{len(hits)} significant neglect entries in the last "
                f"{s.significant_neglect_window_days} days. Analyse the chronology with a "
                "supervisor; consider a strategy discussion or escalation.",
                [e.record_id for e in hits],
            )
        )
    return out
