"""Step 3: the neglect observation checklist for the child's age, one domain at a time."""

from functools import partial

import flet as ft

from mobile_app.services.wording import checklist_domains, label
from mobile_app.ui.controls import (
    button,
    buttons,
    choice,
    failed_part,
    guarded,
    heading,
    text_field,
)
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import VisitScreen
from shared.models.checklist_response import CONCERN_RATINGS
from shared.vocabulary import ChecklistRating

RATINGS = [(r.value, label(r)) for r in ChecklistRating]


@ft.component
@guarded(failed_part)
def checklist_step(visit: VisitScreen, flows: Flows) -> ft.Control:
    """Each item rated; any concern asks for the evidence."""
    draft = visit.draft
    app, visits = flows.app, flows.visits
    domains = checklist_domains(visit.child.child, draft.started_at)
    index = min(visit.domain, len(domains) - 1)
    domain, items = domains[index]
    rows: list[ft.Control] = [
        heading(f"{domain.label} ({index + 1} of {len(domains)})", key="check.domain")
    ]
    for item in items:
        answer = draft.checklist.get(item.key)
        rows.append(
            choice(
                item.prompt,
                f"check.{item.key}",
                RATINGS,
                answer.rating if answer else None,
                app.picked(partial(visits.rate, item.key)),
            )
        )
        if answer and answer.rating in CONCERN_RATINGS:
            rows.append(
                text_field(
                    "What did you see? (evidence for this concern)",
                    f"check.{item.key}.evidence",
                    answer.evidence,
                    app.typed(partial(visits.evidence, item.key)),
                    multiline=True,
                )
            )
    nav: list[ft.Control] = []
    if index > 0:
        nav.append(button("Previous area", "check.prev", app.act(lambda: visits.go_domain(-1))))
    if index < len(domains) - 1:
        nav.append(button("Next area", "check.next", app.act(lambda: visits.go_domain(1))))
    rows.append(buttons(*nav))
    return ft.Column(rows, spacing=16)
