"""The caseload: families and children on this device, and where sync stands."""

import flet as ft

from mobile_app.services.caseload.overview import ChildRow, FamilyRow
from mobile_app.ui.controls import (
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    icon_button,
    lock_action,
    note,
    screen,
    status_line,
)
from mobile_app.ui.flows.caseload import CaseloadFlow
from mobile_app.ui.state import CASELOAD, SYNC, AppState
from mobile_app.ui.status_panel import status_panel
from mobile_app.ui.views.review_queue import supervision_banner

NO_FATHER = "No father or male carer recorded"


def _child(row: ChildRow, flow: CaseloadFlow) -> ft.Control:
    act = flow.act
    visit_text = "Resume visit" if row.draft_id else "Record a visit"
    # One group per child: a screen reader announces each button with the child's name.
    return ft.Semantics(
        container=True,
        content=ft.Column(
            [
                note(f"{row.name}, {row.age}", key=f"child.{row.child_id}", strong=True),
                note(row.status),
                note(row.due_text, key=f"child.{row.child_id}.due", strong=row.overdue),
                note(
                    row.alerts.summary(),
                    key=f"child.{row.child_id}.alerts",
                    strong=row.alerts.most_urgent is not None,
                ),
                buttons(
                    button(
                        visit_text,
                        f"child.{row.child_id}.visit",
                        act(lambda: flow.opens.visit(row.child_id)),
                        primary=True,
                    ),
                    button(
                        "Chronology",
                        f"child.{row.child_id}.chronology",
                        act(lambda: flow.opens.chronology(row.child_id)),
                    ),
                    button(
                        "Before the visit",
                        f"child.{row.child_id}.summary",
                        act(lambda: flow.opens.summary(row.child_id)),
                    ),
                    button(
                        "Trends",
                        f"child.{row.child_id}.trends",
                        act(lambda: flow.opens.trends(row.child_id)),
                    ),
                ),
            ],
            spacing=4,
        ),
    )


def _family(family: FamilyRow, flow: CaseloadFlow) -> ft.Control:
    rows: list[ft.Control] = [
        heading(f"{family.family_name} family, {family.town}", key=f"family.{family.case_id}")
    ]
    if family.no_father:
        rows.append(
            note(
                f"{NO_FATHER}: ask about him at the next visit.",
                key=f"family.{family.case_id}.no_father",
                strong=True,
            )
        )
    rows += [_child(c, flow) for c in family.children] or [note("No children recorded.")]
    return ft.Card(ft.Container(ft.Column(rows, spacing=10), padding=12))


@ft.component
@guarded(failed_screen)
def caseload_view(state: AppState, flow: CaseloadFlow) -> ft.View:
    """Families and children, visits in progress, and the sync status."""
    overview = state.overview
    body: list[ft.Control] = [status_panel(state, flow.now()), *status_line(state)]
    body += supervision_banner(state, flow)
    if overview is None or not overview.families:
        body.append(
            note(
                "No families on this device yet. Sync to download your caseload.",
                key="caseload.empty",
            )
        )
    else:
        body += [_family(f, flow) for f in overview.families]
    body.append(
        buttons(
            button("Sync now", "caseload.sync", flow.act(flow.opens.sync)),
            button("Sync details", "caseload.sync_screen", flow.act(lambda: state.go(SYNC))),
        )
    )
    actions = [
        icon_button(ft.Icons.SYNC, "Sync now", "nav.sync", flow.act(flow.opens.sync)),
        # Handing the phone on is a deliberate act: in the flow bar, away from the thumb.
        icon_button(
            ft.Icons.LOGOUT, "Sign out", "caseload.sign_out", flow.act(flow.opens.sign_out)
        ),
        lock_action(flow),
    ]
    return screen("screen.caseload", CASELOAD, "My caseload", body, actions)
