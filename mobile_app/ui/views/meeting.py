"""Record a professionals-only meeting (finding 5): a reason from the list, the chair's approval."""

import flet as ft

from mobile_app.services.planning.meetings import REASONS
from mobile_app.services.visits.form_drafts import KEPT_NOTICE
from mobile_app.ui.controls import (
    back_to_caseload,
    button,
    buttons,
    dropdown,
    failed_screen,
    guarded,
    heading,
    note,
    screen,
    status_line,
    text_field,
)
from mobile_app.ui.flows.case_records import MeetingFlow
from mobile_app.ui.screens import MeetingScreen
from mobile_app.ui.state import MEETING, AppState

TITLE = "Meeting"  # an meetings bar title stays one line at twice the text size


@ft.component
@guarded(failed_screen)
def meeting_view(view: MeetingScreen | None, state: AppState, meetings: MeetingFlow) -> ft.View:
    """The form: why the family is not there, who approved, what was decided."""
    back = back_to_caseload(meetings)
    if view is None:
        return screen("screen.meeting", MEETING, TITLE, [note("No child chosen."), back])
    body: list[ft.Control] = [
        heading(view.child.name, key="meeting.child"),
        *status_line(state),
        note(
            "The family is not invited to this meeting: give the reason and the chair's approval.",
        ),
    ]
    if not view.can_record:
        body += [
            note(
                "A social worker or a conference chair records this meeting.",
                key="meeting.read_only",
            ),
            buttons(back),
        ]
        return screen("screen.meeting", MEETING, TITLE, body)
    form = view.form
    chairs = [(c.chair_id, c.label) for c in view.chairs]
    if view.kept:
        body.append(note(KEPT_NOTICE, key="meeting.kept", strong=True))
    body += [
        dropdown(
            "Why the family cannot be there",
            "meeting.reason_code",
            [(code.value, text) for code, text in REASONS.items()],
            form.reason_code,
            meetings.picked(lambda value: meetings.type("reason_code", value)),
        ),
        dropdown(
            "Chair's approval",
            "meeting.chair_approved_by",
            chairs,
            form.chair_approved_by,
            meetings.picked(lambda value: meetings.type("chair_approved_by", value)),
        ),
    ]
    if not chairs:
        body.append(
            note(
                "No chair is known for this family on this device: ask the conference chair "
                "to approve and record the meeting.",
                key="meeting.no_chair",
                strong=True,
            )
        )
    body += [
        text_field(
            "Decisions, one a line",
            "meeting.decisions",
            form.decisions,
            meetings.typed(lambda value: meetings.type("decisions", value)),
            multiline=True,
        ),
        text_field(
            "Rationale",
            "meeting.rationale",
            form.rationale,
            meetings.typed(lambda value: meetings.type("rationale", value)),
            multiline=True,
        ),
        buttons(
            button("Record meeting", "meeting.save", meetings.act(meetings.record), primary=True),
            button("Discard", "meeting.discard", meetings.act(meetings.discard)),
            back,
        ),
    ]
    return screen("screen.meeting", MEETING, TITLE, body)
