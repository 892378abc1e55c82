"""Before the visit, in the order the doorstep needs it: the address, access and safety notes,
who lives there, the alerts, what is new since my last visit, open actions, the known men, and
the supervision and analysis notes (kept apart from the facts)."""

from datetime import date

import flet as ft

from mobile_app.services.visits.child_summary import AdultLine, OpenAction
from mobile_app.ui.controls import (
    back_action,
    back_to_caseload,
    button,
    buttons,
    failed_part,
    failed_screen,
    guarded,
    heading,
    lock_action,
    note,
    screen,
    status_line,
)
from mobile_app.ui.flows.summary import SummaryFlow
from mobile_app.ui.screens import SummaryScreen
from mobile_app.ui.state import CHILD, AppState
from mobile_app.ui.views.chronology import entry_card
from mobile_app.ui.views.doorstep import alert_lines, door_section
from shared.rules import AlertCode

TITLE = "Before visit"  # an flow bar title stays one line at twice the text size


def _day(moment: date) -> str:
    return moment.strftime("%a %d %b %Y")


def _action(i: int, action: OpenAction) -> ft.Control:
    mark = "Overdue. " if action.overdue else ""
    return ft.Card(
        ft.Container(
            ft.Column(
                [
                    note(
                        f"{mark}Due {_day(action.due)}: {action.action}",
                        key=f"summary.action.{i}",
                        strong=action.overdue,
                    ),
                    note(f"Who: {action.owner}. Agreed at the visit on {_day(action.agreed_on)}."),
                ],
                spacing=4,
            ),
            padding=12,
        )
    )


def _adult(adult: AdultLine) -> ft.Control:
    return ft.Card(
        ft.Container(
            ft.Column(
                [
                    note(
                        f"{adult.name} ({adult.relationship})",
                        key=f"summary.adult.{adult.adult_id}",
                        strong=True,
                    ),
                    note(f"{adult.residency}. {adult.responsibility}."),
                ],
                spacing=4,
            ),
            padding=12,
        )
    )


@guarded(failed_part)
def _notes(view: SummaryScreen, flow: SummaryFlow) -> ft.Control:
    """Supervision and analysis, kept apart from the facts: the last analysis and latest notes."""
    child_id = view.child.child_id
    notes = flow.notes_overview(child_id)
    rows: list[ft.Control] = [heading("Supervision and analysis")]
    if notes.last_analysis_at is None:
        rows.append(note("No chronology analysis on this device yet.", key="summary.analysis"))
    else:
        written = _day(notes.last_analysis_at)
        rows.append(note(f"Last chronology analysis written {written}.", key="summary.analysis"))
    if notes.analysis_due and notes.next_rcpc is not None:
        rows.append(
            note(
                f"An analysis is due before the review conference on {_day(notes.next_rcpc)}.",
                key="summary.analysis_due",
                strong=True,
            )
        )
    rows += [
        note(f"{line.title}, by {line.author}", key=f"summary.note.{i}")
        for i, line in enumerate(notes.latest)
    ]
    rows.append(
        buttons(
            button(
                "Supervision and analysis",
                "summary.notes",
                flow.act(lambda: flow.opens.notes(child_id)),
            )
        )
    )
    return ft.Column(rows, spacing=16)


def _news(view: SummaryScreen) -> list[ft.Control]:
    last = view.summary.my_last_visit
    if last is None:
        intro = "You have not visited this child yet: everything on this device, newest first."
    else:
        intro = f"Since your last visit on {_day(last)}: every agency's entries, newest first."
    rows: list[ft.Control] = [heading("What is new"), note(intro, key="summary.since")]
    rows += [entry_card(i, "summary.entry") for i in view.summary.entries] or [
        note("Nothing new on this device.", key="summary.entries.none")
    ]
    return rows


def _alerts(view: SummaryScreen, flow: SummaryFlow) -> list[ft.Control]:
    """The child's safeguarding alerts, most urgent first, and the way to the decisions."""
    rows: list[ft.Control] = [heading("Alerts"), *alert_lines(view)]
    if any(alert.code == AlertCode.A6 for alert in view.child.alerts.alerts):
        child_id = view.child.child_id
        rows.append(
            buttons(
                button(
                    "Decisions needed",
                    "summary.decisions",
                    flow.act(lambda: flow.opens.decisions(child_id)),
                    primary=True,
                )
            )
        )
    return rows


@ft.component
@guarded(failed_screen)
def child_summary_view(view: SummaryScreen | None, state: AppState, flow: SummaryFlow) -> ft.View:
    """The digest to read on the doorstep, and the button to start or resume the visit."""
    if view is None:
        body: list[ft.Control] = [note("No child chosen.", key="summary.none")]
        return screen("screen.summary", CHILD, TITLE, body)
    child, summary = view.child, view.summary
    visit_text = "Resume visit" if child.draft_id else "Record a visit"
    body = [
        heading(f"{child.name}, {child.age}", key="summary.child"),
        note(child.status),
        note(child.due_text, key="summary.due", strong=child.overdue),
        *status_line(state),
        *door_section(summary.door),
        *_alerts(view, flow),
        *_news(view),
        _notes(view, flow),
        heading("Actions from earlier visits"),
    ]
    body += [_action(i, a) for i, a in enumerate(summary.actions)] or [
        note("No actions recorded at earlier visits.", key="summary.actions.none")
    ]
    body.append(heading("Fathers and male carers"))
    body += [_adult(a) for a in summary.adults] or [
        note(
            "No father or male carer recorded for this family: ask about him at this visit.",
            key="summary.adults.none",
            strong=True,
        )
    ]
    body.append(
        buttons(
            button(
                "Chronology",
                "summary.chronology",
                flow.act(lambda: flow.opens.chronology(child.child_id)),
            ),
            button(
                "Plan outcomes",
                "summary.plan",
                flow.act(lambda: flow.opens.plan(child.child_id)),
            ),
            button(
                "Professionals-only meeting",
                "summary.meeting",
                flow.act(lambda: flow.opens.meeting(child.child_id)),
            ),
            back_to_caseload(flow),
        )
    )
    # The visit button stays within the thumb's reach, whatever is scrolled above it.
    visit = button(
        visit_text,
        "summary.visit",
        flow.act(lambda: flow.opens.visit(child.child_id)),
        primary=True,
    )
    return screen(
        "screen.summary",
        CHILD,
        TITLE,
        body,
        [lock_action(flow)],
        bottom=buttons(visit),
        leading=back_action("Back to caseload", flow.act(flow.show_caseload)),
    )
