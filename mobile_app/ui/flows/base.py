"""What every screen's flow offers its view besides its own steps: handlers that count as
activity and show failures as messages, the lock, and the way back to the caseload."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mobile_app.ui.controller import AppController, Handler


class ScreenFlow:
    """A screen's flow: the only thing its view is given to act with."""

    _app: AppController

    def act(self, fn: Callable[..., Any]) -> Handler:
        """Wrap a button handler: activity first, then the action, failures as messages."""
        return self._app.act(fn)

    def picked(self, fn: Callable[[str], Any]) -> Handler:
        """Wrap a choice handler: activity first, then the action with the chosen value."""
        return self._app.picked(fn)

    def typed(self, fn: Callable[[str], Any]) -> Handler:
        """Wrap a text handler: the words are saved first, then auto-lock may apply."""
        return self._app.typed(fn)

    def now(self) -> datetime:
        """The device's time, as the app's clock reads it."""
        return self._app.config.clock()

    def lock(self, message: str = "") -> None:
        """Lock the app now."""
        self._app.lock(message)

    def show_caseload(self, message: str = "", tone: str = "info") -> None:
        """Back to the caseload, freshly read."""
        self._app.show_caseload(message, tone)


ChildOpener = Callable[[str], Any]


@dataclass(frozen=True)
class Openers:
    """How a screen's flow opens another screen, by child or record id (Flows builds it, so
    no flow holds another, and a view holds only its own flow)."""

    summary: ChildOpener
    chronology: ChildOpener
    record: ChildOpener  # a record's history, from the child's chronology
    visit: ChildOpener  # start or resume the child's visit
    amend_visit: ChildOpener  # a finalised visit of mine, by record id
    trends: ChildOpener
    decisions: ChildOpener
    plan: ChildOpener
    meeting: ChildOpener
    notes: ChildOpener
    review: Callable[[], Any]
    dashboard: Callable[[], Any]
    sign_out: Callable[[], Any]
    sync: Callable[[], Awaitable[Any]]  # sync now


class HubFlow(ScreenFlow):
    """A screen's flow that also opens other screens (Flows gives it `opens` once every flow
    is built: the screens open one another, so no flow can be given them all at birth)."""

    opens: Openers

    def __init__(self, app: AppController) -> None:
        self._app = app
