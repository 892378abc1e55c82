"""Step 3: the neglect observation checklist for the child's age, one area at a time.

Each question is answered in words that fit it ("No sign" for "any sign of ...?"), worded for
the child's age; "Nothing of concern in this area" answers what is still unanswered in one
tap, and each answer can still be changed. The area buttons show a tick once an area is done.
"""

from functools import partial

import flet as ft

from mobile_app.services.visits.drafts import VisitDraft
from mobile_app.services.wording import checklist_domains
from mobile_app.ui.controls import (
    button,
    buttons,
    choice,
    failed_part,
    guarded,
    heading,
    note,
    number_button,
    text_field,
)
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen
from shared.checklist import age_band_on, load_checklist
from shared.models.checklist_response import CONCERN_RATINGS

NOTHING_OF_CONCERN = "Nothing of concern in this area"


def _rated(draft: VisitDraft, key: str) -> bool:
    answer = draft.checklist.get(key)
    return answer is not None and bool(answer.rating)


def _areas(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    draft = visit.draft
    domains = checklist_domains(visit.child.child, draft.started_at)
    chips: list[ft.Control] = []
    for i, (domain, items) in enumerate(domains):
        done = all(_rated(draft, item.key) for item in items)
        words = domain.label + (", done" if done else "")
        words += ", on screen" if i == visit.domain else ""
        chips.append(
            number_button(
                i + 1,
                f"check.area.{i}",
                f"Area {i + 1}: {words}",
                visits.act(partial(visits.go_area, i)),
                done=done,
                selected=i == visit.domain,
            )
        )
    return ft.Row(
        [ft.Text("Areas:", weight=ft.FontWeight.W_600), *chips],
        wrap=True,
        spacing=0,
        run_spacing=0,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )


@ft.component
@guarded(failed_part)
def checklist_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Each item rated; any concern asks for the evidence."""
    draft = visit.draft
    checklist = load_checklist()
    band = age_band_on(visit.child.child.dob, draft.started_at.date())
    domains = checklist_domains(visit.child.child, draft.started_at)
    index = min(visit.domain, len(domains) - 1)
    domain, items = domains[index]
    unanswered = [i for i in items if not _rated(draft, i.key)]
    rows: list[ft.Control] = [
        heading(f"Area {index + 1} of {len(domains)}: {domain.label}", key="check.domain"),
        _areas(visit, visits),
    ]
    if unanswered:
        rows.append(
            buttons(
                button(NOTHING_OF_CONCERN, "check.nothing", visits.act(visits.nothing_of_concern))
            )
        )
    else:
        rows.append(note("Every question in this area is answered.", key="check.area_done"))
    for item in items:
        answer = draft.checklist.get(item.key)
        words = checklist.answer_words(item)
        rows.append(
            choice(
                item.prompt_for(band),
                f"check.{item.key}",
                [(rating.value, text) for rating, text in words.items()],
                answer.rating if answer else None,
                visits.picked(partial(visits.rate, item.key)),
            )
        )
        if answer and answer.rating in CONCERN_RATINGS:
            key = f"check.{item.key}.evidence"
            rows.append(
                text_field(
                    "What did you see? (evidence for this concern)",
                    key,
                    answer.evidence,
                    visits.typed(partial(visits.evidence, item.key)),
                    multiline=True,
                    error=visit.error(key),
                )
            )
    return ft.Column(rows, spacing=16, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
