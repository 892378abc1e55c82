"""A child's chronology on this device: newest first, filtered by agency and significance."""

import flet as ft

from mobile_app.services.chronology import TimelineItem
from mobile_app.services.wording import label
from mobile_app.ui.controls import (
    button,
    buttons,
    dropdown,
    failed_screen,
    guarded,
    heading,
    note,
    screen,
    status_line,
)
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import CHRONOLOGY, AppState
from shared.vocabulary import Significance

ALL = "all"


def entry_card(item: TimelineItem, prefix: str = "chron.entry") -> ft.Control:
    """One chronology entry as a card; its key is prefix.<record id>."""
    when = item.event_datetime.astimezone().strftime("%d %b %Y %H:%M")
    waiting = "" if item.synced else " (not synced yet)"
    lines: list[ft.Control] = [
        note(f"{when}: {item.event_type}{waiting}", key=f"{prefix}.{item.record_id}", strong=True),
        note(f"{label(item.agency)}. Significance: {label(item.significance)}."),
        note(item.summary),
    ]
    if item.action:
        lines.append(note(f"Action: {item.action}"))
    return ft.Card(ft.Container(ft.Column(lines, spacing=4), padding=12))


@ft.component
@guarded(failed_screen)
def chronology_view(state: AppState, flows: Flows) -> ft.View:
    """Filters, then the entries."""
    app = flows.app
    chron = state.chronology
    if chron is None:
        body: list[ft.Control] = [note("No child chosen.", key="chron.empty")]
        return screen("screen.chronology", CHRONOLOGY, "Chronology", body)

    def pick_agency(value: str) -> None:
        flows.chronology.filter(agency="" if value == ALL else value)

    def pick_significance(value: str) -> None:
        flows.chronology.filter(significance="" if value == ALL else value)

    agencies = [(ALL, "All agencies"), *((a, label(a)) for a in chron.agencies)]
    significances = [(ALL, "Any significance"), *((s.value, label(s)) for s in Significance)]
    body = [
        heading(f"{chron.child.name}, {chron.child.age}", key="chron.child"),
        *status_line(state),
        dropdown("Agency", "chron.agency", agencies, chron.agency or ALL, app.picked(pick_agency)),
        dropdown(
            "Significance",
            "chron.significance",
            significances,
            chron.significance or ALL,
            app.picked(pick_significance),
        ),
        note(f"{len(chron.items)} entries, newest first", key="chron.count"),
    ]
    body += [entry_card(i) for i in chron.items] or [
        note("No entries match on this device.", key="chron.empty")
    ]
    body.append(buttons(button("Back to caseload", "nav.caseload", app.act(app.show_caseload))))
    return screen("screen.chronology", CHRONOLOGY, "Chronology", body)
