"""The lock screen: the passphrase box and nothing of any case."""

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
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import UNLOCK, AppState


@ft.component
@guarded(failed_screen)
def unlock_view(state: AppState, flows: Flows) -> ft.View:
    """Unlock with the passphrase; a wrong one shows a plain message."""
    form = use_form(passphrase="")
    app = flows.app
    submit = app.act(lambda: app.unlock(form["passphrase"]))
    body: list[ft.Control] = [
        heading("Doorstep is locked"),
        note(state.organisation),
        text_field(
            "Passphrase",
            "unlock.passphrase",
            form["passphrase"],
            keep(form, "passphrase"),
            password=True,
            on_submit=submit,
        ),
        *status_line(state),
        buttons(button("Unlock", "unlock.submit", submit, primary=True)),
    ]
    return screen("screen.unlock", UNLOCK, "Doorstep", body)
