"""Step 5: the father or male carer: a known adult, someone new, or not known and why."""

import flet as ft

from mobile_app.services.visits.actions import follow_up_due
from mobile_app.services.wording import label
from mobile_app.ui.controls import choice, dropdown, failed_part, guarded, note, text_field
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen
from shared.vocabulary import Relationship

ANSWERS = (("new", "Someone new"), ("not_known", "Not known"))
ADULT = "adult:"


@ft.component
@guarded(failed_part)
def father_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Child Q finding 4: never leave the men in the child's life unasked about."""
    draft = visit.draft
    men = [a for a in visit.adults if a.father_or_male_carer]
    # One question, one tap: the men already known to the family are answers in themselves.
    answers = [(f"{ADULT}{a.adult_id}", a.label) for a in men] + list(ANSWERS)
    current: str | None = draft.father
    if draft.father == "known" and draft.father_adult_id:
        current = f"{ADULT}{draft.father_adult_id}"
    rows: list[ft.Control] = [
        choice(
            f"Who is {visit.child.child.given_name}'s father or male carer?",
            "visit.father",
            answers,
            current,
            visits.picked(visits.father),
            error=visit.error("visit.father"),
        )
    ]
    if not men:
        rows.append(
            note(
                "No father or male carer is recorded for this family on this device yet.",
                key="visit.father.none",
            )
        )
    if draft.father == "new":
        rows += [
            text_field(
                "His name",
                "visit.father.name",
                draft.new_adult_name,
                visits.typed(lambda t: visits.edit(new_adult_name=t)),
            ),
            dropdown(
                "Relationship to the child",
                "visit.father.relationship",
                [(r.value, label(r)) for r in Relationship],
                draft.new_adult_relationship.value,
                visits.picked(lambda v: visits.choose(new_adult_relationship=Relationship(v))),
            ),
            text_field(
                "If his name is not known, describe him",
                "visit.father.description",
                draft.new_adult_description,
                visits.typed(lambda t: visits.edit(new_adult_description=t)),
            ),
        ]
    elif draft.father == "not_known":
        rows += [
            text_field(
                "Why is he not known?",
                "visit.father.reason",
                draft.father_not_known_reason,
                visits.typed(lambda t: visits.edit(father_not_known_reason=t)),
                multiline=True,
            ),
            note("A follow-up to find out who he is will be added to the next steps."),
            note(
                "It will also be an action for you, due "
                f"{follow_up_due(draft.started_at.date()):%a %d %b %Y}: 5 working days after "
                "the visit.",
                key="visit.father.follow_up",
            ),
        ]
    return ft.Column(rows, spacing=16, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
