"""The last step: what is still missing (each a way back to its step), the whole visit read
back, the reasons a late or amended visit needs, and a way to discard the draft."""

from functools import partial

import flet as ft

from mobile_app.services.visits.finalise import visit_warnings
from mobile_app.services.visits.visit_gaps import visit_gaps
from mobile_app.services.visits.visit_readback import readback
from mobile_app.ui.controls import (
    button,
    buttons,
    failed_part,
    guarded,
    heading,
    note,
    subheading,
    text_field,
)
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen

NEW_NOTE = (
    "Finalising stores the visit, the checklist and a chronology entry, ready to sync. "
    "After that, only you can change the visit, by amending it with a reason."
)
AMEND_NOTE = (
    "Saving stores a new version of this visit, with your reason; the version before stays "
    "in its history. Its chronology entry is not changed: amend that on its own if needed."
)


def _missing(visit: VisitScreen, visits: VisitFlow) -> list[ft.Control]:
    draft = visit.draft
    gaps = visit_gaps(draft, visit.child.child)
    if not gaps and not visit.problems:
        return [note("Nothing is missing.", key="visit.complete", strong=True)]
    rows: list[ft.Control] = [heading("Still missing", key="visit.missing")]
    for i, gap in enumerate(gaps):
        step = draft.steps.index(gap.step) if gap.step in draft.steps else draft.step
        rows.append(
            buttons(
                button(
                    f"Step {step + 1}: {gap.text}",
                    f"visit.problem.{i}",
                    visits.act(partial(visits.go_step, step)),
                )
            )
        )
    shown = {gap.text for gap in gaps}
    rows += [
        note(problem, key=f"visit.problem.{i}", strong=True)
        for i, problem in enumerate((p for p in visit.problems if p not in shown), start=len(gaps))
    ]
    # Announced when it appears, so a screen-reader user hears what is missing.
    return [
        ft.Semantics(
            live_region=True,
            content=ft.Column(rows, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        )
    ]


def _discard(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    if not visit.confirm_discard:
        what = "Discard this amendment" if visit.draft.is_amendment else "Discard this draft"
        return buttons(button(what, "visit.discard", visits.act(lambda: visits.ask_discard(True))))
    lost = (
        "the changes in this amendment (the finalised visit stays as it was)"
        if visit.draft.is_amendment
        else f"everything recorded for this visit to {visit.child.child.given_name}"
    )
    return ft.Column(
        [
            note(
                f"Discard {lost}? It is deleted from this device and cannot be brought back.",
                key="visit.discard.ask",
                strong=True,
            ),
            buttons(
                button("Yes, discard it", "visit.discard.yes", visits.act(visits.discard)),
                button(
                    "No, keep it", "visit.discard.no", visits.act(lambda: visits.ask_discard(False))
                ),
            ),
        ],
        spacing=8,
    )


@ft.component
@guarded(failed_part)
def review_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Finalise (at the bottom of the screen) puts the visit in the outbox."""
    draft = visit.draft
    rows: list[ft.Control] = [*_missing(visit, visits)]
    if draft.is_amendment:
        rows.append(
            text_field(
                "Why are you amending this visit?",
                "visit.amend_reason",
                draft.amend_reason,
                visits.typed(lambda t: visits.edit(amend_reason=t)),
                multiline=True,
                helper="Required. It is kept with the visit's history.",
            )
        )
    if visits.is_late(draft):
        rows.append(
            text_field(
                "Why is this visit being recorded more than 24 hours later?",
                "visit.late_reason",
                draft.late_entry_reason,
                visits.typed(lambda t: visits.edit(late_entry_reason=t)),
                multiline=True,
            )
        )
    warnings = visit_warnings(draft)
    if warnings:
        rows.append(heading("Worth a second look"))
        rows += [note(w, key=f"visit.warning.{i}", strong=True) for i, w in enumerate(warnings)]
    rows.append(heading("The visit as recorded", key="visit.readback"))
    for section in readback(draft, visit.child.child, visit.adults):
        rows.append(subheading(section.title, key=f"visit.readback.{section.step}"))
        rows += [note(line) for line in section.lines]
    rows += [note(AMEND_NOTE if draft.is_amendment else NEW_NOTE), _discard(visit, visits)]
    return ft.Column(rows, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
