"""Step 1: the kind of visit, and who is present and who is expected but absent."""

from functools import partial

import flet as ft

from mobile_app.services.wording import label
from mobile_app.ui.controls import (
    button,
    buttons,
    choice,
    dropdown,
    failed_part,
    guarded,
    heading,
    note,
    text_field,
)
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.screens import VisitScreen
from shared.vocabulary import VisitType

ATTENDANCE = (("present", "Present"), ("absent", "Expected, not here"), ("none", "Not expected"))


def _people(visits: VisitFlow, which: str, names: list[str], prefix: str) -> list[ft.Control]:
    act = visits.act
    return [
        ft.Row(
            [
                note(name, key=f"{prefix}.{i}"),
                button(
                    f"Remove {name}",
                    f"{prefix}.{i}.remove",
                    act(partial(visits.remove_person, which, i)),
                ),
            ],
            wrap=True,
        )
        for i, name in enumerate(names)
    ]


@ft.component
@guarded(failed_part)
def people_step(visit: VisitScreen, visits: VisitFlow) -> ft.Control:
    """Visit type, the family's known adults, and anyone else present or absent."""
    draft = visit.draft
    types = [(t.value, label(t)) for t in VisitType]
    rows: list[ft.Control] = [
        buttons(
            button(
                "No access: nobody answered, or entry refused",
                "visit.no_access",
                visits.act(lambda: visits.no_access(True)),
            )
        ),
        dropdown(
            "Kind of visit",
            "visit.type",
            types,
            draft.visit_type.value,
            visits.picked(lambda v: visits.choose(visit_type=VisitType(v))),
        ),
        heading("Adults known to the family"),
    ]
    for adult in visit.adults:
        rows.append(
            choice(
                adult.label,
                f"visit.adult.{adult.adult_id}",
                ATTENDANCE,
                draft.known_adults.get(adult.adult_id, "none"),
                visits.picked(partial(visits.attendance, adult.adult_id)),
            )
        )
    if not visit.adults:
        rows.append(note("No adults are recorded for this family on this device yet."))
    error = visit.error("visit.people")
    if error:
        rows.append(note(f"Missing: {error}", key="visit.people.error", strong=True))
    rows += [
        heading("Others present"),
        *_people(visits, "others_present", draft.others_present, "visit.present"),
        text_field(
            "Someone else present (for example: mother)",
            "visit.present.new",
            draft.typing_present,
            visits.typed(lambda t: visits.edit(typing_present=t)),
        ),
        buttons(
            button(
                "Add", "visit.present.add", visits.act(lambda: visits.add_person("others_present"))
            )
        ),
        heading("Expected but not here"),
        *_people(visits, "others_absent", draft.others_absent, "visit.absent"),
        text_field(
            "Someone expected who was not there (for example: father)",
            "visit.absent.new",
            draft.typing_absent,
            visits.typed(lambda t: visits.edit(typing_absent=t)),
        ),
        buttons(
            button(
                "Add", "visit.absent.add", visits.act(lambda: visits.add_person("others_absent"))
            )
        ),
    ]
    return ft.Column(rows, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
