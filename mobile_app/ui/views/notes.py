"""A child's supervision and analysis notes: kept apart from the chronology's facts."""

import flet as ft

from mobile_app.services.planning.note_lines import NoteLine
from mobile_app.services.planning.notes import DATE_HELP
from mobile_app.ui.controller import Handler
from mobile_app.ui.controls import (
    back_to_caseload,
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    note,
    screen,
    status_line,
    subheading,
    text_field,
)
from mobile_app.ui.flows.notes import NotesFlow
from mobile_app.ui.review_screens import NotesScreen
from mobile_app.ui.state import NOTES, AppState

TITLE = "Notes"  # an flow bar title stays one line at twice the text size
APART = "Analysis and supervision, kept apart from the chronology: the chronology holds the facts."


def note_card(i: int, line: NoteLine, prefix: str = "notes.note") -> ft.Control:
    """One note: its title, who wrote it and when, what it says, its patterns or actions."""
    when = line.written_at.strftime("%d %b %Y")
    rows: list[ft.Control] = [
        subheading(line.title, key=f"{prefix}.{i}"),
        note(f"Written {when} by {line.author}."),
        note(line.text, key=f"{prefix}.{i}.text"),
        *(note(d) for d in line.details),
    ]
    return ft.Card(ft.Container(ft.Column(rows, spacing=4), padding=12))


def _choices(view: NotesScreen, flow: NotesFlow) -> list[ft.Control]:
    offered: list[ft.Control] = []
    if view.can_analyse:
        kept = "analysis" in view.drafts
        text = "Continue your analysis" if kept else "Write a chronology analysis"
        act = flow.act(lambda: flow.write("analysis"))
        offered.append(button(text, "notes.new_analysis", act, primary=True))
    if view.can_supervise:
        kept = "supervision" in view.drafts
        text = "Continue your supervision note" if kept else "Write a supervision note"
        act = flow.act(lambda: flow.write("supervision"))
        offered.append(button(text, "notes.new_supervision", act))
    if not offered:
        return [
            note(
                "A social worker or a supervisor writes chronology analyses; "
                "a supervisor writes supervision notes.",
                key="notes.read_only",
            )
        ]
    return [buttons(*offered)]


def _analysis_form(view: NotesScreen, flow: NotesFlow) -> list[ft.Control]:
    form = view.analysis

    def typed(name: str) -> Handler:
        return flow.typed(lambda value: flow.type(name, value))

    return [
        subheading("Chronology analysis"),
        note("What the entries of the period show together: patterns, not new facts."),
        text_field(
            "Period from", "notes.period_from", form.period_from, typed("period_from"),
            helper=DATE_HELP,
        ),
        text_field(
            "Period to", "notes.period_to", form.period_to, typed("period_to"), helper=DATE_HELP
        ),
        text_field("Analysis", "notes.analysis", form.analysis, typed("analysis"), multiline=True),
        text_field(
            "Patterns, one a line", "notes.patterns", form.patterns, typed("patterns"),
            multiline=True,
        ),
    ]  # fmt: skip


def _supervision_form(view: NotesScreen, flow: NotesFlow) -> list[ft.Control]:
    form = view.supervision

    def typed(name: str) -> Handler:
        return flow.typed(lambda value: flow.type(name, value))

    return [
        subheading("Supervision note"),
        text_field(
            "What was discussed", "notes.discussion", form.discussion, typed("discussion"),
            multiline=True,
        ),
        text_field(
            "Agreed actions, one a line", "notes.actions", form.actions, typed("actions"),
            multiline=True,
            helper="What; who; due date, for example: Visit with the father; Sam; 2026-12-04",
        ),
    ]  # fmt: skip


@ft.component
@guarded(failed_screen)
def notes_view(view: NotesScreen | None, state: AppState, flow: NotesFlow) -> ft.View:
    """The child's notes, newest first, and the form of the note being written."""
    caseload = back_to_caseload(flow)
    if view is None:
        return screen("screen.notes", NOTES, TITLE, [note("No child chosen."), caseload])
    child_id = view.child.child_id
    back = button("Back to child", "notes.back", flow.act(lambda: flow.opens.summary(child_id)))
    body: list[ft.Control] = [
        heading(view.child.name, key="notes.child"),
        note(APART, key="notes.apart"),
        *status_line(state),
    ]
    if view.writing:
        form = _analysis_form if view.writing == "analysis" else _supervision_form
        body += [
            *form(view, flow),
            buttons(
                button("Save note", "notes.save", flow.act(flow.save), primary=True),
                button("Keep for later", "notes.keep", flow.act(flow.close_form)),
                button("Discard", "notes.discard", flow.act(flow.discard)),
            ),
        ]
        return screen("screen.notes", NOTES, TITLE, body)
    body += _choices(view, flow)
    body.append(heading("Notes, newest first"))
    body += [note_card(i, line) for i, line in enumerate(view.notes)] or [
        note("No analysis or supervision notes for this child on this device.", key="notes.none")
    ]
    body.append(buttons(back, caseload))
    return screen("screen.notes", NOTES, TITLE, body)
