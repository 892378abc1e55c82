"""Sign this device in to the Doorstep server once, then download the caseload."""

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
from mobile_app.ui.flows.session import SessionFlow
from mobile_app.ui.state import SIGN_IN, AppState


@ft.component
@guarded(failed_screen)
def sign_in_view(state: AppState, flow: SessionFlow) -> ft.View:
    """Server address (from flet.toml, editable), username and password."""
    form = use_form(server=state.server_url, username="", password="")
    submit = flow.act(lambda: flow.sign_in(form["server"], form["username"], form["password"]))
    body: list[ft.Control] = [
        heading("Sign in to your server"),
        note(
            "Sign in once on this device. Your caseload then downloads, and the flow works "
            "without a signal until you next sync."
        ),
        # Neither box holds a child's details: both keep selection and the movable caret.
        text_field(
            "Server address",
            "signin.server",
            form["server"],
            keep(form, "server"),
            child_data=False,
        ),
        text_field(
            "Username",
            "signin.username",
            form["username"],
            keep(form, "username"),
            child_data=False,
        ),
        text_field(
            "Password",
            "signin.password",
            form["password"],
            keep(form, "password"),
            password=True,
            on_submit=submit,
        ),
        *status_line(state),
        buttons(button("Sign in and download my caseload", "signin.submit", submit, primary=True)),
    ]
    return screen("screen.sign_in", SIGN_IN, "Sign in", body)
