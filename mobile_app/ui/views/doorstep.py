"""The top of "Before the visit": the address, how to get in, what to be careful of, who lives
there, and the alerts coloured by urgency (always with the word as well as the colour)."""

import flet as ft

from mobile_app.services.chronology.alerts import SEVERITY_WORDS
from mobile_app.services.visits.doorstep import Doorstep
from mobile_app.ui.controls import heading, note, subheading
from mobile_app.ui.screens import SummaryScreen
from shared.rules import Severity

# Pale backgrounds under black text keep the contrast in bright light; the word leads each line.
URGENCY = {
    Severity.OVERDUE: (ft.Colors.RED_100, ft.Colors.RED_700),
    Severity.ACTION: (ft.Colors.AMBER_100, ft.Colors.AMBER_800),
    Severity.DUE: (ft.Colors.BLUE_50, ft.Colors.BLUE_700),
}


def _panel(body: list[ft.Control], background: str, edge: str) -> ft.Control:
    return ft.Container(
        ft.Column(body, spacing=4),
        bgcolor=background,
        border=ft.Border.only(left=ft.BorderSide(6, edge)),
        border_radius=8,
        padding=12,
    )


def _note_panel(title: str, text: str, key: str, colours: tuple[str, str]) -> ft.Control:
    words = ft.Text(text, key=key, color=ft.Colors.BLACK, selectable=False)
    return _panel([subheading(title), words], *colours)


def door_section(door: Doorstep | None) -> list[ft.Control]:
    """Where to go and how to get in, then lone-working and safety notes, then who lives there."""
    if door is None:
        return [note("The family's record is not on this device yet: sync.", key="door.none")]
    rows: list[ft.Control] = [
        heading("At the door"),
        note(door.address, key="door.address", strong=True),
    ]
    if door.safety:
        rows.append(
            _note_panel(
                "Safety and lone working", door.safety, "door.safety", URGENCY[Severity.OVERDUE]
            )
        )
    if door.access:
        rows.append(
            _note_panel(
                "Getting in", door.access, "door.access", (ft.Colors.GREY_100, ft.Colors.GREY_700)
            )
        )
    if not door.safety and not door.access:
        rows.append(note("No access or safety notes for this address.", key="door.notes.none"))
    rows.append(heading("Who lives there"))
    rows += [note(p.text, key=f"door.child.{p.record_id}") for p in door.children]
    rows += [note(p.text, key=f"door.adult.{p.record_id}") for p in door.adults] or [
        note("No adults recorded for this family.", key="door.adults.none")
    ]
    return rows


def alert_lines(view: SummaryScreen) -> list[ft.Control]:
    """The child's alerts, most urgent first: a coloured panel led by the urgency in words."""
    lines: list[ft.Control] = []
    for i, alert in enumerate(view.child.alerts.alerts):
        word = SEVERITY_WORDS[alert.severity]
        text = ft.Text(
            f"{word}: {alert.message}",
            key=f"summary.alert.{i}",
            color=ft.Colors.BLACK,
            weight=ft.FontWeight.W_600 if alert.severity != Severity.DUE else None,
        )
        lines.append(_panel([text], *URGENCY[alert.severity]))
    return lines or [note("No alerts for this child.", key="summary.alerts.none")]
