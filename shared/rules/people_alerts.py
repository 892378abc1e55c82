"""Alerts about the people around the child and where they live: A8 new or unidentified
adults, A8b agency checks outstanding on a known parent, A9 moves, and F4 the father or male
carer not recorded or not seen (Child Q finding 4)."""

from datetime import datetime, timedelta

from shared.rules.calendar import local_date
from shared.rules.context import RuleContext
from shared.rules.inputs import AdultRecord
from shared.rules.model import Alert, AlertCode, Severity, make_alert, when
from shared.vocabulary import EventType, ParentalResponsibility, Relationship

MALE_CARERS = frozenset(
    {
        Relationship.BIRTH_FATHER,
        Relationship.STEP_PARENT,
        Relationship.MOTHER_PARTNER,
        Relationship.UNKNOWN_MALE,
    }
)


# A parent the family names: checks on them still matter, but they are not the stranger A8 is for.
PARENTS = frozenset({Relationship.MOTHER, Relationship.BIRTH_FATHER, Relationship.STEP_PARENT})


def _adults(ctx: RuleContext) -> list[AdultRecord]:
    mine = [a for a in ctx.records.adults if ctx.child_id in a.adult.child_ids]
    return sorted(mine, key=lambda a: a.record_id)


def _label(record: AdultRecord) -> str:
    adult = record.adult
    who = adult.name or adult.description_if_unidentified or "unnamed"
    return f"{adult.relationship.value.replace('_', ' ')} ({who})"


def _is_known_parent(record: AdultRecord) -> bool:
    adult = record.adult
    parent = adult.relationship in PARENTS
    return adult.name is not None and (
        parent or adult.parental_responsibility == ParentalResponsibility.YES
    )


def a8_unidentified_adults(ctx: RuleContext) -> list[Alert]:
    """A8: a new or unidentified adult not identified or not checked, or an unidentified
    person at the last visit (a known parent's checks are A8b)."""
    out: list[Alert] = []
    for record in _adults(ctx):
        if record.adult.name is None:
            problem = "is not identified: find out who they are and"
        elif record.agency_checks_done_on is None and not _is_known_parent(record):
            problem = "has no agency checks recorded:"
        else:
            continue
        out.append(
            make_alert(
                AlertCode.A8,
                ctx.child_id,
                Severity.ACTION,
                f"The adult recorded as {_label(record)} {problem} complete agency checks.",
                [record.record_id],
            )
        )
    visits = ctx.visits()
    if visits:
        last = visits[-1]
        described = [p.description for p in last.visit.persons_present if p.person_id is None]
        if described:
            out.append(
                make_alert(
                    AlertCode.A8,
                    ctx.child_id,
                    Severity.ACTION,
                    f"The visit on {when(local_date(last.visit.start))} recorded "
                    f"{len(described)} unidentified person(s) present: add each as a "
                    "significant adult and complete agency checks.",
                    [last.record_id],
                )
            )
    return out


def a8b_parent_checks(ctx: RuleContext) -> list[Alert]:
    """A8b: a known parent has no agency checks recorded (lower than A8: they are known)."""
    return [
        make_alert(
            AlertCode.A8B,
            ctx.child_id,
            Severity.DUE,
            f"Agency checks are not yet recorded for {_label(record)}, a known parent: "
            "complete them when you can.",
            [record.record_id],
        )
        for record in _adults(ctx)
        if record.agency_checks_done_on is None and _is_known_parent(record)
    ]


def a9_move(ctx: RuleContext) -> list[Alert]:
    """A9: after the latest recorded move, start a transfer out and notify within 5 working days."""
    moves = [e for e in ctx.entries() if e.entry.event_type == EventType.ADDRESS_MOVE]
    if not moves:
        return []
    move = moves[-1]
    moved_on = local_date(move.entry.event_datetime)
    known_on = local_date(move.recorded_at or move.entry.event_datetime)
    due = ctx.calendar.add_working_days(
        max(moved_on, known_on), ctx.settings.move_notify_within_working_days
    )
    transfers = sorted(
        (
            t
            for t in ctx.records.transfers
            if ctx.child_id in t.child_ids and local_date(t.started_at) >= moved_on
        ),
        key=lambda t: (t.started_at, t.record_id),
    )
    if any(t.notified_at is not None for t in transfers):
        return []
    severity = Severity.OVERDUE if ctx.today > due else Severity.DUE
    if transfers:
        message = (
            f"Transfer out started but agencies are not notified of the move: due {when(due)}."
        )
    else:
        message = (
            f"The family moved (recorded {when(known_on)}): start a transfer out and notify "
            f"agencies by {when(due)}."
        )
    ids = [move.record_id] + [t.record_id for t in transfers]
    return [make_alert(AlertCode.A9, ctx.child_id, severity, message, ids, due=due)]


def _seen_at(ctx: RuleContext, record: AdultRecord) -> datetime | None:
    """When the adult was last seen: their record's last_seen_at, or a visit they were at."""
    at_visits = [
        v.visit.start
        for v in ctx.visits()
        if any(p.person_id == record.record_id for p in v.visit.persons_present)
    ]
    times = [t for t in (record.adult.last_seen_at, *at_visits) if t is not None]
    return max(times, default=None)


def _father_not_known(ctx: RuleContext) -> bool:
    """True when the latest visit answered the father question "not known, because ..."."""
    visits = ctx.visits()
    answer = visits[-1].visit.father_or_male_carer if visits else None
    return answer is not None and not answer.adult_ids and bool(answer.not_known_reason)


def f4_father(ctx: RuleContext) -> list[Alert]:
    """F4: no father or male carer recorded (nor said why not known at the latest visit), or
    none seen within the setting's days (at a visit he was present at, or as last seen)."""
    men = [a for a in _adults(ctx) if a.adult.relationship in MALE_CARERS]
    if not men:
        if _father_not_known(ctx):
            return []
        return [
            make_alert(
                AlertCode.F4,
                ctx.child_id,
                Severity.ACTION,
                "No father or male carer is recorded: ask about him at the next visit and "
                "record him, or why he is not known.",
            )
        ]
    cutoff = ctx.now - timedelta(days=ctx.settings.father_unseen_days)
    unseen = [a for a in men if (seen := _seen_at(ctx, a)) is None or seen < cutoff]
    if len(unseen) < len(men):
        return []
    return [
        make_alert(
            AlertCode.F4,
            ctx.child_id,
            Severity.ACTION,
            f"No father or male carer has been seen in the last "
            f"{ctx.settings.father_unseen_days} days: "
            + "; ".join(_label(a) for a in unseen)
            + ". Invite him and see him.",
            [a.record_id for a in unseen],
        )
    ]
