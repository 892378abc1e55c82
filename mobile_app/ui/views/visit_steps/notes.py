"""Steps 4 and 6: the child's voice; worries, what is working well, next steps, the safety
scale and the actions agreed."""

import flet as ft

from mobile_app.services.visits.visit_gaps import is_infant
from mobile_app.ui.controls import failed_part, guarded, text_field
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen
from mobile_app.ui.views.visit_steps.plan import actions_section, scale_section


@ft.component
@guarded(failed_part)
def voice_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """The child's own words, or their behaviour if they do not talk yet."""
    draft = visit.draft
    given = visit.child.child.given_name
    if is_infant(visit.child.child, draft.started_at):
        question = f"How {given} behaved and responded"
        hint = (
            "A baby's voice is what you see: for example alert, smiling, settled when held, "
            "quiet, flinching, feeding eagerly."
        )
    else:
        question = f"{given}'s words, or their behaviour if they do not talk yet"
        hint = f"Write what {given} said in their own words."
    return ft.Column(
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        controls=[
            text_field(
                question,
                "visit.voice",
                draft.voice_of_child,
                visits.typed(lambda t: visits.edit(voice_of_child=t)),
                multiline=True,
                helper=hint,
            )
        ],
    )


@ft.component
@guarded(failed_part)
def summary_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Worries, what is working well, next steps, the safety scale and the actions."""
    draft = visit.draft
    typed = visits.typed
    return ft.Column(
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        controls=[
            text_field(
                "What are we worried about?",
                "visit.worries",
                draft.worries,
                typed(lambda t: visits.edit(worries=t)),
                multiline=True,
            ),
            text_field(
                "What is working well?",
                "visit.working_well",
                draft.working_well,
                typed(lambda t: visits.edit(working_well=t)),
                multiline=True,
            ),
            text_field(
                "What needs to happen next?",
                "visit.next_steps",
                draft.next_steps,
                typed(lambda t: visits.edit(next_steps=t)),
                multiline=True,
            ),
            scale_section(visit, visits),
            actions_section(visit, visits),
        ],
        spacing=16,
    )
