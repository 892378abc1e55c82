"""The visit screen: one step at a time, every change saved, leave and resume at will.

Where you are is always shown (step n of 7, and the area inside the checklist), and Back,
Next and Save and leave stay in reach at the bottom, whatever the length of the step.
"""

from collections.abc import Callable
from functools import partial

import flet as ft

from mobile_app.services.visits.visit_gaps import visit_gaps
from mobile_app.ui.controls import (
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    lock_action,
    note,
    number_button,
    screen,
    status_line,
)
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen
from mobile_app.ui.state import VISIT, AppState
from mobile_app.ui.views.visit_steps.checklist import checklist_step
from mobile_app.ui.views.visit_steps.father import father_step
from mobile_app.ui.views.visit_steps.no_access import no_access_step
from mobile_app.ui.views.visit_steps.notes import summary_step, voice_step
from mobile_app.ui.views.visit_steps.people import people_step
from mobile_app.ui.views.visit_steps.review import review_step
from mobile_app.ui.views.visit_steps.seen import seen_step

Step = Callable[[VisitScreen, VisitFlow], ft.Control]
AMENDING = "Amending a finalised visit: change what needs changing, then give your reason."
STEP_SCREENS: dict[str, tuple[str, Step]] = {
    "people": ("Who is here", people_step),
    "seen": ("Seeing the child", seen_step),
    "checklist": ("What you observed", checklist_step),
    "voice": ("The child's voice", voice_step),
    "father": ("Father or male carer", father_step),
    "summary": ("Worries and next steps", summary_step),
    "no_access": ("No access", no_access_step),
    "review": ("Check and finalise", review_step),
}


def _progress(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Step n of N as words, a bar, and a numbered button per step (a tick once complete)."""
    draft = visit.draft
    steps, step = draft.steps, min(draft.step, len(draft.steps) - 1)
    open_steps = {gap.step for gap in visit_gaps(draft, visit.child.child)}
    dots: list[ft.Control] = []
    for i, name in enumerate(steps):
        title = STEP_SCREENS[name][0]
        done = i < step and name not in open_steps and name != "review"
        state = "this step" if i == step else ("complete" if done else "")
        dots.append(
            number_button(
                i + 1,
                f"visit.goto.{i}",
                f"Step {i + 1}: {title}{', ' + state if state else ''}",
                visits.act(partial(visits.go_step, i)),
                done=done,
                selected=i == step,
            )
        )
    return ft.Column(
        [
            note(
                f"Step {step + 1} of {len(steps)}: {STEP_SCREENS[steps[step]][0]}",
                key="visit.step",
                strong=True,
            ),
            ft.ProgressBar(value=(step + 1) / len(steps)),
            ft.Row(dots, wrap=True, spacing=0, run_spacing=0),
        ],
        spacing=4,
    )


def _nav(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    draft = visit.draft
    last = draft.step >= len(draft.steps) - 1
    nav: list[ft.Control] = []
    if draft.step > 0 or (draft.step_name == "checklist" and visit.domain > 0):
        nav.append(button("Back", "visit.prev", visits.act(visits.back)))
    if last:
        text = "Save amended visit" if draft.is_amendment else "Finalise visit"
        nav.append(button(text, "visit.finalise", visits.act(visits.finalise), primary=True))
    else:
        nav.append(button("Next", "visit.next", visits.act(visits.next), primary=True))
    nav.append(button("Save and leave", "visit.leave", visits.act(visits.leave)))
    return buttons(*nav)


@ft.component
@guarded(failed_screen)
def visit_view(visit: VisitScreen | None, state: AppState, visits: VisitFlow) -> ft.View:
    """The current step, the progress above it, and the step buttons below it."""
    if visit is None:
        body: list[ft.Control] = [note("No visit is open.", key="visit.none")]
        return screen("screen.visit", VISIT, "Visit", body)
    name = visit.draft.step_name
    step_view = STEP_SCREENS[name][1]
    amending = visit.draft.is_amendment
    body = [
        heading(f"{visit.child.name}, {visit.child.age}", key="visit.child"),
        *([note(AMENDING, key="visit.amending", strong=True)] if amending else []),
        _progress(visit, visits),
        *status_line(state),
        step_view(visit, visits),
    ]
    title = "Amend visit" if amending else "Visit"
    return screen(
        "screen.visit",
        VISIT,
        title,
        body,
        [lock_action(visits)],
        bottom=_nav(visit, visits),
        body_key=f"visit.body.{visit.draft.step}.{visit.domain}",
    )
