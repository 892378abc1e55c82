"""Supervision as the screens see it: the caseload badge, the review queue and its three
decisions, the records returned to their author, a child's trends, and the team dashboard."""

import asyncio
import logging
import weakref
from dataclasses import dataclass, replace

from mobile_app.diagnostics import log_failure
from mobile_app.errors import MobileError
from mobile_app.services.account import AccountService
from mobile_app.services.dashboard import DashboardService, fetch_dashboard
from mobile_app.services.overview import Overview
from mobile_app.services.review import ReviewService
from mobile_app.services.trends import child_trends
from mobile_app.services.visit_amendment import VisitAmendments
from mobile_app.ui.controller import AppController
from mobile_app.ui.state import DashboardScreen, ReviewScreen, TrendsScreen

log = logging.getLogger(__name__)

QUEUED = "It waits on this device and reaches the author's record at the next sync."


@dataclass(frozen=True)
class ReviewBadge:
    """What the caseload says about supervision: queue length (supervisors), returns."""

    queue: int | None
    returned: int


class ReviewFlow:
    """Opens the review queue and the trends, and records review decisions."""

    def __init__(self, app: AppController) -> None:
        self._app = app
        # The overview itself, not its id (a freed overview's id can be reused by the next),
        # but weakly: after a lock nothing here may keep the children's names in memory.
        self._badge_for: weakref.ref[Overview] | None = None
        self._badge = ReviewBadge(None, 0)

    def _service(self) -> ReviewService:
        store = self._app.store
        return ReviewService(store, self._app.me())

    def badge(self, overview: Overview | None) -> ReviewBadge:
        """Return the caseload's supervision figures, read again whenever the caseload is."""
        # The caseload re-renders on every change; the store is read only for a new overview.
        if overview is None:
            return ReviewBadge(None, 0)
        if self._badge_for is None or self._badge_for() is not overview:
            try:
                service = self._service()
                queue = service.queue(self._app.config.clock()) if service.is_supervisor else None
                returned = len(service.returned_to_me())
            except MobileError as exc:
                # The caseload must still show: the figures wait for the next refresh.
                log_failure(log, "Reading the review figures", exc)
                return ReviewBadge(None, 0)
            self._badge = ReviewBadge(None if queue is None else len(queue), returned)
            self._badge_for = weakref.ref(overview)
        return self._badge

    def open(self, message: str = "") -> None:
        """Show the review queue (for a supervisor) and the records returned to me."""
        service = self._service()
        returned = service.returned_to_me()
        visits = VisitAmendments(self._app.store, self._app.me())
        screen = ReviewScreen(
            rows=service.queue(self._app.config.clock()),
            returned=returned,
            supervisor=service.is_supervisor,
            amendable=frozenset(i.record_id for i in returned if visits.may_amend(i.record_id)),
        )
        self._app.state.open_review(screen)
        if message:
            self._app.state.say(message)

    def _done(self, message: str) -> None:
        self._app.refresh()  # the outbox grew: the caseload's figures change
        self.open(message)

    def countersign(self, version_id: str, comment: str = "") -> None:
        """Countersign one version, offline."""
        self._service().countersign(version_id, self._app.config.clock(), comment)
        self._done(f"Countersigned. {QUEUED}")

    def return_to_author(self, version_id: str, comment: str) -> None:
        """Return one version to its author with a comment, offline."""
        self._service().return_to_author(version_id, self._app.config.clock(), comment)
        self._done(f"Returned to the author. {QUEUED}")

    def escalate(self, version_id: str, comment: str, stage: str) -> None:
        """Escalate one version to the chosen stage, offline."""
        if not stage.isdigit():
            self._app.state.say("escalation_stage: choose a stage from 1 to 4.")
            return
        self._service().escalate(version_id, self._app.config.clock(), comment, int(stage))
        self._done(f"Escalated to stage {stage}. {QUEUED}")

    def finish(self) -> None:
        """Mark the queue reviewed up to now: only newer records come back as new."""
        self._service().finish_review(self._app.config.clock())
        self._done("Marked as reviewed. Records that reach you from now on show as new.")

    def trends(self, child_id: str) -> None:
        """Show a child's safety scale and checklist concerns over time."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        self._app.state.open_trends(TrendsScreen(row, child_trends(self._app.store, child_id)))

    async def dashboard(self) -> None:
        """Show the team dashboard: fetched from the server, or why it cannot be shown."""
        app = self._app
        client = AccountService(app.store, app.config.transport).client()
        app.state.working("Fetching the team dashboard…")
        # The network call runs off the UI thread; the store is read back on it.
        answer = await asyncio.to_thread(fetch_dashboard, client)
        if not app.device.unlocked:
            return  # locked while waiting: the answer must not reach the screen
        overview = app.state.overview
        names = (
            {c.child_id: c.name for f in overview.families for c in f.children} if overview else {}
        )
        board = DashboardService(app.store).view(answer, app.config.clock(), names)
        app.state.open_dashboard(DashboardScreen(board))

    def dashboard_figure(self, key: str) -> None:
        """Open the list behind one figure (or close it when it is already open)."""
        shown = self._app.state.dashboard
        if shown is not None:
            chosen = "" if shown.open_figure == key else key
            self._app.state.open_dashboard(replace(shown, open_figure=chosen))
