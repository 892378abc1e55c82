"""First run: choose the passphrase that protects everything on this device."""

from typing import Any

import flet as ft

from mobile_app.services.security.passphrase import passphrase_strength
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
from mobile_app.ui.state import SETUP, AppState


@ft.component
@guarded(failed_screen)
def setup_view(state: AppState, flow: SessionFlow) -> ft.View:
    """Passphrase twice, with its strength shown as it is typed."""
    form = use_form(passphrase="", again="")
    strength, set_strength = ft.use_state(passphrase_strength(""))

    def typed_passphrase(e: Any) -> None:
        form["passphrase"] = str(e.control.value or "")
        set_strength(passphrase_strength(form["passphrase"]))

    submit = flow.act(lambda: flow.set_up(form["passphrase"], form["again"]))
    body: list[ft.Control] = [
        heading("Protect this device"),
        note(
            f"{state.organisation}. Everything Doorstep keeps on this device is encrypted "
            "under a passphrase only you know. It cannot be recovered, so choose one you "
            "will remember: three or four unrelated words work well."
        ),
        text_field(
            "Choose a passphrase",
            "setup.passphrase",
            form["passphrase"],
            typed_passphrase,
            password=True,
        ),
        ft.ProgressBar(
            value=strength.score / 4,
            key="setup.strength.bar",
            semantics_label=f"Passphrase strength: {strength.label}",
        ),
        note(f"Strength: {strength.label}. {strength.advice}".strip(), key="setup.strength"),
        text_field(
            "Type the passphrase again",
            "setup.again",
            form["again"],
            keep(form, "again"),
            password=True,
            on_submit=submit,
        ),
        *status_line(state),
        buttons(button("Set passphrase", "setup.submit", submit, primary=True)),
    ]
    return screen("screen.setup", SETUP, "Set up", body)
