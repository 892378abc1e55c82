"""Sign out: what would be lost, said before anything is erased, and the way to sync first."""

import flet as ft

from mobile_app.ui.controls import (
    back_action,
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
from mobile_app.ui.flows.sign_out import SignOutFlow, plural
from mobile_app.ui.state import SIGN_OUT, AppState

TITLE = "Sign out"
WHY = (
    "Signing out erases everything of your caseload from this device, so it can be handed to "
    "someone else: they set up their own passphrase and sign in."
)


def _warning(text: str, key: str) -> ft.Control:
    return ft.Container(
        ft.Text(text, key=key, color=ft.Colors.BLACK, weight=ft.FontWeight.W_600),
        bgcolor=ft.Colors.RED_100,
        border=ft.Border.only(left=ft.BorderSide(6, ft.Colors.RED_700)),
        border_radius=8,
        padding=12,
    )


@ft.component
@guarded(failed_screen)
def sign_out_view(state: AppState, flow: SignOutFlow) -> ft.View:
    """The hand-over check: refuse while finalised records wait, name the drafts to be lost."""
    work = flow.waiting()
    body: list[ft.Control] = [heading("Sign out of this device"), note(WHY), *status_line(state)]
    if work.unsynced:
        body += [
            _warning(
                f"{plural(work.unsynced, 'record')} you finalised "
                f"{'has' if work.unsynced == 1 else 'have'} not reached the server yet. "
                "Sync them before you sign out: signing out now would destroy them.",
                "sign_out.unsent",
            ),
            buttons(
                button("Sync now", "sign_out.sync", flow.act(flow.opens.sync), primary=True),
                back_to_caseload(flow),
            ),
        ]
    elif work.drafts:
        body += [
            _warning(
                f"{plural(work.drafts, 'unfinished draft')} (visits, notes or forms you have "
                "not finalised) "
                f"{'is' if work.drafts == 1 else 'are'} only on this device. Signing out "
                f"destroys {'it' if work.drafts == 1 else 'them'} for good.",
                "sign_out.drafts",
            ),
            note("To keep them, go back, finish them and sync first."),
            buttons(
                back_to_caseload(flow),
                button(
                    f"Destroy {plural(work.drafts, 'draft')} and sign out",
                    "sign_out.confirm",
                    flow.act(lambda: flow.sign_out(work.drafts)),
                ),
            ),
        ]
    else:
        body += [
            note("Everything you recorded has reached the server.", key="sign_out.clear"),
            buttons(
                back_to_caseload(flow),
                button("Sign out", "sign_out.confirm", flow.act(flow.sign_out), primary=True),
            ),
        ]
    back = back_action("Back to caseload", flow.act(flow.show_caseload))
    return screen("screen.sign_out", SIGN_OUT, TITLE, body, leading=back)
