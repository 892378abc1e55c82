"""The privacy cover: while the app is not in front it shows a plain screen, so the phone's
app switcher (which keeps a picture of the last screen) shows no child's details; once the app
goes into the background the session locks, and the passphrase is needed to come back.

Flet has no way to set Android's FLAG_SECURE or iOS's snapshot hiding, so this is what Python
can do: the cover is on screen within a frame or two of the app losing focus.
"""

from dataclasses import dataclass

import flet as ft

from mobile_app.ui.controller import KEPT_ON_LOCK

LEAVING = frozenset(
    {ft.AppLifecycleState.INACTIVE, ft.AppLifecycleState.HIDE, ft.AppLifecycleState.PAUSE}
)
BACKGROUND = frozenset({ft.AppLifecycleState.HIDE, ft.AppLifecycleState.PAUSE})
BACKGROUND_LOCK = f"Locked when the app went into the background. {KEPT_ON_LOCK}"
RECONNECT_LOCK = f"Locked because this page was closed, reloaded or reopened. {KEPT_ON_LOCK}"
COVER_ROUTE = "/cover"


@dataclass
class PrivacyCover(ft.Observable):
    """Whether the plain cover stands over every screen."""

    shown: bool = False

    def follow(self, lifecycle: ft.AppLifecycleState) -> None:
        """Cover when the app starts to leave the front; uncover only once it is back in use."""
        if lifecycle in LEAVING:
            self.shown = True
        elif lifecycle == ft.AppLifecycleState.RESUME:
            self.shown = False


def locks_session(lifecycle: ft.AppLifecycleState) -> bool:
    """True when the app has gone into the background (not merely lost focus to a call or a
    system dialog): the session locks as the inactivity lock does."""
    return lifecycle in BACKGROUND


def cover_view() -> ft.View:
    """The cover: the app's name on a plain page, nothing from any record. It sits on top of
    the current screen, which stays alive underneath (what is typed is kept), and cannot be
    popped with the back gesture."""
    return ft.View(
        route=COVER_ROUTE,
        key="screen.cover",
        can_pop=False,
        bgcolor=ft.Colors.SURFACE,
        vertical_alignment=ft.MainAxisAlignment.CENTER,
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        controls=[
            ft.Text("Doorstep", key="cover.title", theme_style=ft.TextThemeStyle.TITLE_LARGE)
        ],
    )


def no_transitions() -> ft.PageTransitionsTheme:
    """Screens change at once on phones: a sliding transition would leave the screen under
    the cover visible for the app switcher's picture."""
    none = ft.PageTransitionTheme.NONE
    return ft.PageTransitionsTheme(android=none, ios=none)
