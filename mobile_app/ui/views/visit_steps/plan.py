"""Step 6, continued: the 0-10 safety scale and the actions agreed, one card per line.

Every answer is saved in the draft as it is given; a rating or an action can be removed.
"""

from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

import flet as ft

from mobile_app.services.visits.actions import DUE_HELP, FOLLOW_UP_ACTION, due_error, follow_up_due
from mobile_app.services.visits.scaling import RATERS, TEN_ANCHOR, ZERO_ANCHOR
from mobile_app.ui.controls import (
    button,
    buttons,
    choice,
    failed_part,
    field_error,
    guarded,
    heading,
    note,
    subheading,
    text_field,
)
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen

VALUES = [(str(n), str(n)) for n in range(11)]
# Three or four to a line on a phone, each well over 48 px to touch, and room for "10" at
# twice the text size.
VALUE_WIDTH = 96


def _card(rows: list[ft.Control]) -> ft.Control:
    # A bordered box, not an ft.Card: a Card is one semantics node, so a text field inside it
    # would be announced with the card's words and tapped at the card's middle.
    return ft.Container(
        ft.Column(rows, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
        padding=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE),
        border_radius=8,
    )


@ft.component
@guarded(failed_part)
def scale_section(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Who rated how safe the child is, from 0 to 10."""
    rows: list[ft.Control] = [
        heading("Safety scale, 0 to 10", key="visit.scale"),
        note(ZERO_ANCHOR, key="visit.scale.anchor.0"),
        note(TEN_ANCHOR, key="visit.scale.anchor.10"),
    ]
    for i, rating in enumerate(visit.draft.scaling):
        n = i + 1
        lines: list[ft.Control] = [
            subheading(f"Rating {n}", key=f"visit.scale.{i}"),
            choice(
                f"Rating {n}: who gave it?",
                f"visit.scale.{i}.by",
                RATERS,
                rating.rated_by,
                visits.picked(partial(visits.rated_by, i)),
            ),
        ]
        if rating.rated_by == "other":
            lines.append(
                text_field(
                    f"Rating {n}: given by",
                    f"visit.scale.{i}.by_other",
                    rating.rated_by_other,
                    visits.typed(partial(visits.rater, i)),
                    helper="For example: grandmother, or the child's aunt",
                )
            )
        lines += [
            choice(
                f"Rating {n}: how safe, from {ZERO_ANCHOR}, to {TEN_ANCHOR}?",
                f"visit.scale.{i}.value",
                VALUES,
                None if rating.value is None else str(rating.value),
                visits.picked(partial(visits.safety_value, i)),
                option_width=VALUE_WIDTH,
            ),
            buttons(
                button(
                    f"Remove rating {n}",
                    f"visit.scale.{i}.remove",
                    visits.act(partial(visits.remove_rating, i)),
                )
            ),
        ]
        rows.append(_card(lines))
    rows.append(
        buttons(button("Add a safety rating", "visit.scale.add", visits.act(visits.add_rating)))
    )
    return ft.Column(rows, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)


DUE_SOON = ((7, "In 1 week"), (14, "In 2 weeks"), (28, "In 4 weeks"))


def _due_buttons(visit: VisitScreen, visits: VisitFlow, index: int) -> ft.Control:
    """One tap for the usual due dates, and a calendar for any other day."""
    day = visit.draft.started_at.date()

    def calendar(e: Any) -> None:
        e.page.show_dialog(
            ft.DatePicker(
                first_date=datetime.combine(day, time()),
                last_date=datetime.combine(day + timedelta(days=730), time()),
                help_text=f"Action {index + 1}: due date",
                on_change=visits.picked(partial(visits.due_on, index)),
            )
        )

    return buttons(
        *(
            button(
                words,
                f"visit.action.{index}.due.{days}",
                visits.act(partial(visits.due_in, index, days)),
            )
            for days, words in DUE_SOON
        ),
        button("Pick a date", f"visit.action.{index}.due.pick", calendar),
    )


@ft.component
@guarded(failed_part)
def actions_section(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """What needs to happen, who will do it, and by when."""
    draft = visit.draft
    day = draft.started_at.date()
    rows: list[ft.Control] = [heading("Actions agreed", key="visit.actions")]
    rows += [
        field_error(text, f"visit.actions.error.{i}")
        for i, text in enumerate(visit.errors("visit.actions"))
    ]
    if draft.father == "not_known":
        due = follow_up_due(day).strftime("%a %d %b %Y")
        rows.append(
            note(
                f"Added for you when you finalise: {FOLLOW_UP_ACTION}, due {due}.",
                key="visit.action.follow_up",
            )
        )
    for i, action in enumerate(draft.actions):
        n = i + 1
        rows.append(
            _card(
                [
                    subheading(f"Action {n}", key=f"visit.action.{i}"),
                    text_field(
                        f"Action {n}: what needs to happen?",
                        f"visit.action.{i}.what",
                        action.action,
                        visits.typed(partial(visits.action, i, "action")),
                        multiline=True,
                    ),
                    text_field(
                        f"Action {n}: who will do it?",
                        f"visit.action.{i}.owner",
                        action.owner,
                        visits.typed(partial(visits.action, i, "owner")),
                    ),
                    text_field(
                        f"Action {n}: due date",
                        f"visit.action.{i}.due",
                        action.due,
                        visits.typed(partial(visits.action, i, "due")),
                        helper=DUE_HELP,
                        error=due_error(action.due, day),
                        keyboard=ft.KeyboardType.DATETIME,
                    ),
                    _due_buttons(visit, visits, i),
                    buttons(
                        button(
                            f"Remove action {n}",
                            f"visit.action.{i}.remove",
                            visits.act(partial(visits.remove_action, i)),
                        )
                    ),
                ]
            )
        )
    rows.append(buttons(button("Add an action", "visit.action.add", visits.act(visits.add_action))))
    return ft.Column(rows, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
