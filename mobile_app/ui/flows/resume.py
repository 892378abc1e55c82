"""After an unlock: back to the screen, the visit step and the checklist area the lock
interrupted, reloaded from the store (the lock kept only the route and ids)."""

import inspect
import logging
from collections.abc import Callable

from mobile_app.diagnostics import log_failure
from mobile_app.services.caseload.overview import known_adults
from mobile_app.services.visits.drafts import DraftService
from mobile_app.ui.controller import AppController
from mobile_app.ui.screens import VisitScreen
from mobile_app.ui.state import CASELOAD, VISIT, ResumePoint

log = logging.getLogger(__name__)
GONE = "What you had open is no longer on this device: here is your caseload."
Opener = Callable[[ResumePoint], object]  # opens a screen from its ids


class ResumeFlow:
    """Reopens the interrupted screen; anything gone meanwhile leaves the caseload, said so."""

    def __init__(self, app: AppController, openers: dict[str, Opener]) -> None:
        self._app = app
        self._openers = openers

    async def resume(self) -> None:
        """Show where the lock interrupted, if it is still there (else stay on the caseload)."""
        state = self._app.state
        point = state.take_resume()
        if point is None or point.route == CASELOAD or state.route != CASELOAD:
            return  # nothing to return to, or unlocking led elsewhere (sign-in, sync needed)
        try:
            await self._show(point)
        except Exception as exc:  # a screen that cannot reopen must never block the unlock
            log_failure(log, "Reopening the screen open before the lock", exc)
        if state.route == CASELOAD:
            self._app.show_caseload(GONE)

    async def _show(self, point: ResumePoint) -> None:
        if point.route == VISIT:
            self._visit(point)
            return
        opener = self._openers.get(point.route)
        if opener is not None:
            result = opener(point)
            if inspect.isawaitable(result):
                await result

    def _visit(self, point: ResumePoint) -> None:
        draft = DraftService(self._app.store).get(point.draft_id)
        overview = self._app.state.overview
        row = overview.child(point.child_id) if overview else None
        if draft is None or row is None:
            return  # finalised, discarded or moved off the device while locked
        adults = known_adults(self._app.store, row.case_id)
        self._app.state.open_visit(VisitScreen(draft, row, adults, domain=point.domain))
