"""The lock screen: the passphrase box, the tries left, and nothing of any case."""

import flet as ft

from mobile_app.services.security.lock import plain_wait
from mobile_app.services.security.session import UnlockStatus
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
from mobile_app.ui.state import UNLOCK, AppState


def _tries(status: UnlockStatus | None) -> list[ft.Control]:
    if status is None or not status.failed:
        return []
    lines = [
        note(
            f"Wrong passphrases so far: {status.failed}. After {status.tries_left} more, this "
            "device erases its keys and data, and anything not yet synced is lost.",
            key="unlock.tries",
            strong=True,
        )
    ]
    if status.wait_seconds > 0:
        lines.append(
            note(f"Next try allowed in {plain_wait(status.wait_seconds)}.", key="unlock.wait")
        )
    return lines


def _erased(state: AppState, flow: SessionFlow) -> ft.View:
    """The device erased itself (too many tries, or withdrawn): say so, offer a fresh set-up."""
    body: list[ft.Control] = [
        heading("This device was erased"),
        note(state.organisation),
        *status_line(state),
        buttons(button("Set up again", "unlock.set_up", flow.act(flow.start_again))),
    ]
    return screen("screen.unlock", UNLOCK, "Doorstep", body)


@ft.component
@guarded(failed_screen)
def unlock_view(state: AppState, flow: SessionFlow) -> ft.View:
    """Unlock with the passphrase; a wrong one shows a plain message and the tries left."""
    form = use_form(passphrase="")
    if not flow.is_set_up():
        return _erased(state, flow)
    submit = flow.act(lambda: flow.unlock(form["passphrase"]))
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
        *_tries(flow.unlock_status()),
        *status_line(state),
        buttons(button("Unlock", "unlock.submit", submit, primary=True)),
    ]
    if state.key_missing:
        erase = flow.act(flow.erase_unopenable)
        body.append(buttons(button("Erase this device and set up again", "unlock.erase", erase)))
    return screen("screen.unlock", UNLOCK, "Doorstep", body)
