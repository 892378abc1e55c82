"""Sync: send what waits, receive what is new, and see what needs attention."""

import flet as ft

from mobile_app.services.issues import SyncIssue
from mobile_app.ui.controls import (
    back_to_caseload,
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    note,
    screen,
    status_line,
)
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import SYNC, AppState
from mobile_app.ui.status_panel import status_panel


def _issue(issue: SyncIssue) -> ft.Control:
    lines: list[ft.Control] = [note(issue.title, key=f"issue.{issue.version_id}", strong=True)]
    if issue.detail:
        lines.append(note(issue.detail, key=f"issue.{issue.version_id}.detail"))
    lines.append(note(f"What to do: {issue.advice}", key=f"issue.{issue.version_id}.advice"))
    return ft.Card(ft.Container(ft.Column(lines, spacing=4), padding=12))


@ft.component
@guarded(failed_screen)
def sync_view(state: AppState, flows: Flows) -> ft.View:
    """The sync button, progress with counts, and conflicts and refusals with advice."""
    app = flows.app
    body: list[ft.Control] = [
        status_panel(state, app.config.clock()),
        *status_line(state),
        note(
            "Sync sends the visits you finalised and downloads your caseload's new records. "
            "Drafts stay on this device until you finalise them.",
        ),
        buttons(
            button(
                "Syncing…" if state.sync.running else "Sync now",
                "sync.start",
                app.act(flows.sync.run),
                primary=True,
            ),
            back_to_caseload(app),
        ),
        heading("Needs your attention"),
    ]
    if state.issues:
        body += [_issue(i) for i in state.issues]
    else:
        body.append(note("No conflicts or refused records.", key="issues.none"))
    return screen("screen.sync", SYNC, "Sync", body)
