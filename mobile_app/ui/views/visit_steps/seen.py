"""Step 2: was the child seen, seen alone (or why not), seen awake if a baby, bedroom seen."""

import flet as ft

from mobile_app.services.visits.visit_gaps import is_infant
from mobile_app.services.wording import label
from mobile_app.ui.controls import choice, failed_part, guarded, yes_no
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen
from shared.vocabulary import NotSeenAloneReason

R = NotSeenAloneReason
# Only the reasons that fit the question asked: a baby is not "too young to talk" to be seen.
NOT_SEEN = (R.CHILD_ABSENT, R.CHILD_ASLEEP, R.PARENT_REFUSED, R.OTHER)
NOT_ALONE = (R.PRE_VERBAL, R.CHILD_DECLINED, R.PARENT_REFUSED, R.CHILD_ASLEEP, R.OTHER)


@ft.component
@guarded(failed_part)
def seen_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """The questions of rule V3 about seeing the child, shown as they apply."""
    draft = visit.draft
    pick = visits.picked
    given = visit.child.child.given_name
    infant = is_infant(visit.child.child, draft.started_at)
    error = visit.error
    rows: list[ft.Control] = [
        yes_no(
            f"Did you see {given}?",
            "visit.child_seen",
            draft.child_seen,
            pick(lambda v: visits.choose(child_seen=v == "yes")),
            error=error("visit.child_seen"),
        )
    ]
    if draft.child_seen:
        rows.append(
            yes_no(
                f"Did you see {given} alone?",
                "visit.seen_alone",
                draft.seen_alone,
                pick(lambda v: visits.choose(seen_alone=v == "yes")),
                error=error("visit.seen_alone"),
            )
        )
    if draft.child_seen is False or (draft.child_seen and draft.seen_alone is False):
        fitting = NOT_SEEN if draft.child_seen is False else NOT_ALONE
        reasons = [(r.value, label(r)) for r in fitting]
        current = draft.not_seen_alone_reason.value if draft.not_seen_alone_reason else None
        question = (
            f"Why was {given} not seen?"
            if draft.child_seen is False
            else (f"Why was {given} not seen alone?")
        )
        rows.append(
            choice(
                question,
                "visit.not_alone_reason",
                reasons,
                current,
                pick(lambda v: visits.choose(not_seen_alone_reason=NotSeenAloneReason(v))),
                error=error("visit.not_alone_reason"),
            )
        )
    if draft.child_seen and infant:
        rows.append(
            yes_no(
                "Was the baby seen awake?",
                "visit.seen_awake",
                draft.seen_awake,
                pick(lambda v: visits.choose(seen_awake=v == "yes")),
                error=error("visit.seen_awake"),
            )
        )
    rows.append(
        yes_no(
            f"Did you see where {given} sleeps?",
            "visit.bedroom_seen",
            draft.bedroom_seen,
            pick(lambda v: visits.choose(bedroom_seen=v == "yes")),
        )
    )
    return ft.Column(rows, spacing=16, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
