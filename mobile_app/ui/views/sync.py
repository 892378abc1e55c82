"""Sync: send what waits, receive what is new, and see what needs attention."""

import flet as ft

from mobile_app.services.sync.issues import SyncIssue
from mobile_app.services.sync.set_aside import DAMAGED, HELD, RESTORE_ADVICE
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
from mobile_app.ui.flows.sync import SyncFlow
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
def sync_view(state: AppState, sync: SyncFlow) -> ft.View:
    """The sync button, progress with counts, and conflicts and refusals with advice."""
    body: list[ft.Control] = [
        status_panel(state, sync.now()),
        *status_line(state),
        note(
            "Sync sends the visits you finalised and downloads your caseload's new records. "
            "Drafts stay on this device until you finalise them.",
        ),
        buttons(
            button(
                "Syncing…" if state.sync.running else "Sync now",
                "sync.start",
                sync.act(sync.run),
                primary=True,
            ),
            back_to_caseload(sync),
        ),
        heading("Needs your attention"),
    ]
    aside = [i for i in state.issues if i.status in (DAMAGED, HELD)]
    issues = [i for i in state.issues if i not in aside]
    if issues:
        body += [_issue(i) for i in issues]
    else:
        body.append(note("No conflicts or refused records.", key="issues.none"))
    if aside:
        body += _set_aside(aside, sync)
    return screen("screen.sync", SYNC, "Sync", body)


def _set_aside(aside: list[SyncIssue], sync: SyncFlow) -> list[ft.Control]:
    """Records set aside so sync could go on, each with what to do, and the two actions."""
    actions = []
    if any(i.advice == RESTORE_ADVICE for i in aside):
        actions.append(button("Get the server's copies", "aside.restore", sync.act(sync.restore)))
    if any(i.status == HELD for i in aside):
        actions.append(button("Try sending again", "aside.retry", sync.act(sync.retry)))
    return [
        heading("Set aside on this device"),
        note(
            "Sync went on without these records. Each says whether the server has a copy "
            "and what to do.",
            key="aside.intro",
        ),
        *[_issue(i) for i in aside],
        *([buttons(*actions)] if actions else []),
    ]
