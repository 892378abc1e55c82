"""Past the offline window: sign in again and sync. Shows nothing of any case."""

import flet as ft

from mobile_app.ui.controls import (
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    keep,
    note,
    screen,
    status_line,
    text_field,
    use_form,
)
from mobile_app.ui.flows.renew import RenewFlow
from mobile_app.ui.state import SYNC_NEEDED, AppState
from mobile_app.ui.status_panel import progress_lines

TITLE = "Sync needed"


@ft.component
@guarded(failed_screen)
def sync_needed_view(state: AppState, renew: RenewFlow) -> ft.View:
    """Why the renew is closed to cases, the password box, and the sign-in-and-sync button."""
    form = use_form(password="")
    window = renew.window
    submit = renew.act(lambda: renew.renew(form["password"]))
    body: list[ft.Control] = [
        heading("Sign in again to carry on"),
        note(
            f"This device has not synced with the server for {window.days_offline()} days. "
            f"{state.organisation} allows {window.days} days without a sync, so your cases "
            "are hidden until you sign in again and sync.",
            key="sync_needed.reason",
        ),
        note(
            "Your visits in progress and the records waiting to sync are kept on this device "
            "and are sent when you sync.",
            key="sync_needed.kept",
        ),
        text_field(
            "Your password for the Doorstep server",
            "sync_needed.password",
            form["password"],
            keep(form, "password"),
            password=True,
            on_submit=submit,
        ),
        *status_line(state),
        *progress_lines(state),
        buttons(
            button("Sign in and sync", "sync_needed.submit", submit, primary=True),
            button("Lock the renew", "nav.lock", renew.act(renew.lock)),
        ),
    ]
    return screen("screen.sync_needed", SYNC_NEEDED, TITLE, body)
