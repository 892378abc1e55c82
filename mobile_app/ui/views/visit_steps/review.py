"""Step 7: what is still missing, in plain words, and the finalise button."""

import flet as ft

from mobile_app.services.finalise import is_late_on, visit_warnings
from mobile_app.ui.controls import button, buttons, failed_part, guarded, heading, note, text_field
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import VisitScreen

NEW_NOTE = (
    "Finalising stores the visit, the checklist and a chronology entry, ready to sync. "
    "After that, only you can change the visit, by amending it with a reason."
)
AMEND_NOTE = (
    "Saving stores a new version of this visit, with your reason; the version before stays "
    "in its history. Its chronology entry is not changed: amend that on its own if needed."
)


@ft.component
@guarded(failed_part)
def review_step(visit: VisitScreen, flows: Flows) -> ft.Control:
    """Finalise puts the visit in the outbox; until then it stays a draft."""
    draft = visit.draft
    app, visits = flows.app, flows.visits
    rows: list[ft.Control] = [note(AMEND_NOTE if draft.is_amendment else NEW_NOTE)]
    if draft.is_amendment:
        rows.append(
            text_field(
                "Why are you amending this visit?",
                "visit.amend_reason",
                draft.amend_reason,
                app.typed(lambda t: visits.edit(amend_reason=t)),
                multiline=True,
                helper="Required. It is kept with the visit's history.",
            )
        )
    if is_late_on(app.store, draft, app.config.clock()):
        rows.append(
            text_field(
                "Why is this visit being recorded more than 24 hours later?",
                "visit.late_reason",
                draft.late_entry_reason,
                app.typed(lambda t: visits.edit(late_entry_reason=t)),
                multiline=True,
            )
        )
    warnings = visit_warnings(draft)
    if warnings:
        rows.append(heading("Worth a second look"))
        rows += [note(w, key=f"visit.warning.{i}", strong=True) for i, w in enumerate(warnings)]
    if visit.problems:
        missing: list[ft.Control] = [heading("Still missing")]
        missing += [
            note(problem, key=f"visit.problem.{i}", strong=True)
            for i, problem in enumerate(visit.problems)
        ]
        # Announced when it appears, so a screen-reader user hears what is missing.
        rows.append(ft.Semantics(live_region=True, content=ft.Column(missing, spacing=8)))
    rows.append(
        buttons(
            button(
                "Save amended visit" if draft.is_amendment else "Finalise visit",
                "visit.finalise",
                app.act(visits.finalise),
                primary=True,
            )
        )
    )
    return ft.Column(rows, spacing=12)
