"""The visit screen: one step at a time, every change saved, leave and resume at will."""

from collections.abc import Callable

import flet as ft

from mobile_app.services.drafts import STEPS
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
from mobile_app.ui.state import VISIT, AppState, VisitScreen
from mobile_app.ui.views.visit_steps.checklist import checklist_step
from mobile_app.ui.views.visit_steps.father import father_step
from mobile_app.ui.views.visit_steps.notes import summary_step, voice_step
from mobile_app.ui.views.visit_steps.people import people_step
from mobile_app.ui.views.visit_steps.review import review_step
from mobile_app.ui.views.visit_steps.seen import seen_step

Step = Callable[[VisitScreen, Flows], ft.Control]
AMENDING = "Amending a finalised visit: change what needs changing, then give your reason."
STEP_SCREENS: dict[str, tuple[str, Step]] = {
    "people": ("Who is here", people_step),
    "seen": ("Seeing the child", seen_step),
    "checklist": ("What you observed", checklist_step),
    "voice": ("The child's voice", voice_step),
    "father": ("Father or male carer", father_step),
    "summary": ("Worries and next steps", summary_step),
    "review": ("Check and finalise", review_step),
}


@ft.component
@guarded(failed_screen)
def visit_view(state: AppState, flows: Flows) -> ft.View:
    """The current step, with Back, Next, a step picker and Save and leave."""
    app, visits = flows.app, flows.visits
    if state.visit is None:
        body: list[ft.Control] = [note("No visit is open.", key="visit.none")]
        return screen("screen.visit", VISIT, "Visit", body)
    visit = state.visit
    step = min(visit.draft.step, len(STEPS) - 1)
    title, step_view = STEP_SCREENS[STEPS[step]]
    nav: list[ft.Control] = []
    if step > 0:
        nav.append(button("Back", "visit.prev", app.act(lambda: visits.go_step(step - 1))))
    if step < len(STEPS) - 1:
        nav.append(
            button("Next", "visit.next", app.act(lambda: visits.go_step(step + 1)), primary=True)
        )
    nav.append(button("Save and leave", "visit.leave", app.act(visits.leave)))
    steps = [(str(i), f"{i + 1}. {STEP_SCREENS[name][0]}") for i, name in enumerate(STEPS)]
    amending = visit.draft.is_amendment
    body = [
        heading(f"{visit.child.name}, {visit.child.age}", key="visit.child"),
        *([note(AMENDING, key="visit.amending", strong=True)] if amending else []),
        note(f"Step {step + 1} of {len(STEPS)}: {title}", key="visit.step", strong=True),
        dropdown(
            "Go to step",
            "visit.goto",
            steps,
            str(step),
            app.picked(lambda v: visits.go_step(int(v))),
        ),
        *status_line(state),
        step_view(visit, flows),
        buttons(*nav),
    ]
    return screen("screen.visit", VISIT, "Amend visit" if amending else "Visit", body)
