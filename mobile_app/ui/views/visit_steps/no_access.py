"""A visit without access, in one short step: what happened, what was tried, whether the
child was glimpsed, and what happens next. Nobody present, no checklist, no father question:
the record says what truly happened, and the child counts as not seen."""

from functools import partial

import flet as ft

from mobile_app.ui.controls import (
    Handler,
    button,
    buttons,
    check_box,
    choice,
    failed_part,
    guarded,
    heading,
    note,
    text_field,
)
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen
from shared.vocabulary import AccessAttempt

HAPPENED = (("no_answer", "Nobody answered"), ("refused_entry", "The family refused entry"))
TRIED = (
    (AccessAttempt.KNOCKED, "Knocked or rang the bell"),
    (AccessAttempt.PHONED, "Phoned the family"),
    (AccessAttempt.CARD_LEFT, "Left a card"),
    (AccessAttempt.NEIGHBOURS_ASKED, "Asked neighbours"),
)
SIGHTING = (("through_window", "Through a window or door"), ("not_seen", "Not at all"))
NEXT_STEPS = (
    "Visit again unannounced within 2 working days.",
    "Tell my supervisor today.",
    "Phone the family again today.",
)


@ft.component
@guarded(failed_part)
def no_access_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Everything a visit without access needs, on one screen."""
    draft = visit.draft
    given = visit.child.child.given_name
    rows: list[ft.Control] = [
        note(
            f"Recording an attempted visit at {draft.started_at.astimezone():%H:%M on %a %d %b}. "
            f"It counts as a visit where {given} was not seen.",
            key="visit.no_access.time",
        ),
        choice(
            "What happened?",
            "visit.access",
            HAPPENED,
            draft.access.value,
            visits.picked(visits.access),
        ),
        heading("What did you try?"),
    ]
    error = visit.error("visit.attempts")
    if error:
        rows.append(note(f"Missing: {error}", key="visit.attempts.error", strong=True))

    def tick(attempt: AccessAttempt) -> Handler:
        return visits.picked(lambda value: visits.attempt(attempt.value, value == "True"))

    rows += [
        check_box(
            words,
            f"visit.attempt.{attempt.value}",
            attempt in draft.access_attempts,
            tick(attempt),
        )
        for attempt, words in TRIED
    ]
    rows += [
        choice(
            f"Did you see {given}?",
            "visit.sighting",
            SIGHTING,
            draft.child_sighting.value if draft.child_sighting else None,
            visits.picked(visits.sighting),
            error=visit.error("visit.sighting"),
        ),
        heading("What happens next?"),
        buttons(
            *(
                button(
                    text,
                    f"visit.no_access.next.{i}",
                    visits.act(partial(visits.add_next_step, text)),
                )
                for i, text in enumerate(NEXT_STEPS)
            )
        ),
        text_field(
            "Next step",
            "visit.no_access.next",
            draft.next_steps,
            visits.typed(lambda t: visits.edit(next_steps=t)),
            multiline=True,
            error=visit.error("visit.no_access.next"),
        ),
        buttons(
            button(
                "We got in after all: record the full visit",
                "visit.access.gained",
                visits.act(lambda: visits.no_access(False)),
            )
        ),
    ]
    return ft.Column(rows, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
