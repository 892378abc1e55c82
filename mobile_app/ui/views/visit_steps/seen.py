"""Step 2: was the child seen, seen alone (or why not), seen awake if a baby, bedroom seen."""

import flet as ft

from mobile_app.services.finalise import is_infant
from mobile_app.services.wording import label
from mobile_app.ui.controls import choice, failed_part, guarded, yes_no
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import VisitScreen
from shared.vocabulary import NotSeenAloneReason


@ft.component
@guarded(failed_part)
def seen_step(visit: VisitScreen, flows: Flows) -> ft.Control:
    """The questions of rule V3 about seeing the child, shown as they apply."""
    draft = visit.draft
    pick, visits = flows.app.picked, flows.visits
    rows: list[ft.Control] = [
        yes_no(
            f"Did you see {visit.child.child.given_name}?",
            "visit.child_seen",
            draft.child_seen,
            pick(lambda v: visits.choose(child_seen=v == "yes")),
        )
    ]
    if draft.child_seen:
        rows.append(
            yes_no(
                "Did you see the child alone?",
                "visit.seen_alone",
                draft.seen_alone,
                pick(lambda v: visits.choose(seen_alone=v == "yes")),
            )
        )
    if draft.child_seen is False or (draft.child_seen and draft.seen_alone is False):
        reasons = [(r.value, label(r)) for r in NotSeenAloneReason]
        current = draft.not_seen_alone_reason.value if draft.not_seen_alone_reason else None
        rows.append(
            choice(
                "Why was the child not seen alone?",
                "visit.not_alone_reason",
                reasons,
                current,
                pick(lambda v: visits.choose(not_seen_alone_reason=NotSeenAloneReason(v))),
            )
        )
    if is_infant(visit.child.child, draft.started_at):
        rows.append(
            yes_no(
                "Was the baby seen awake?",
                "visit.seen_awake",
                draft.seen_awake,
                pick(lambda v: visits.choose(seen_awake=v == "yes")),
            )
        )
    rows.append(
        yes_no(
            "Did you see where the child sleeps?",
            "visit.bedroom_seen",
            draft.bedroom_seen,
            pick(lambda v: visits.choose(bedroom_seen=v == "yes")),
        )
    )
    return ft.Column(rows, spacing=16)
