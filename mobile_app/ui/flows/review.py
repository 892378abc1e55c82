"""Supervision as the screens see it: the caseload badge, the review queue and its three
decisions, the records returned to their author, a child's trends, and the team dashboard.

A supervisor's comment and chosen stage are sealed in the store at every keystroke (one draft
per supervisor and version), so a lock loses nothing: reopening the queue shows them.
"""

import asyncio
import logging
import weakref
from dataclasses import dataclass

from mobile_app.diagnostics import log_failure
from mobile_app.errors import MobileError
from mobile_app.services.caseload.overview import Overview
from mobile_app.services.chronology.trends import child_trends
from mobile_app.services.security.account import AccountService
from mobile_app.services.supervision.dashboard import TEAM_NAMES, DashboardService, fetch_dashboard
from mobile_app.services.supervision.review import ReviewRow, ReviewService
from mobile_app.services.supervision.review_detail import DetailReader
from mobile_app.services.supervision.review_order import ChildRisk, QueueChoice, risk_words
from mobile_app.services.visits.form_drafts import ReviewDraft
from mobile_app.services.visits.visit_amendment import VisitAmendments
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import HubFlow
from mobile_app.ui.review_screens import DashboardScreen, ReviewItemScreen, ReviewScreen
from mobile_app.ui.screens import TrendsScreen
from mobile_app.ui.state import DASHBOARD
from shared.vocabulary import ChildStatus

log = logging.getLogger(__name__)

QUEUED = "It waits on this device and reaches the author's record at the next sync."
REVIEW = "review"  # the form drafts' kind: a comment and stage on one version


def _them(worker: str) -> str:
    """A worker's words inside a sentence: "A colleague in GP" becomes "a colleague in GP"."""
    return worker[:1].lower() + worker[1:] if worker.startswith(("A ", "An ")) else worker


@dataclass(frozen=True)
class ReviewBadge:
    """What the caseload says about supervision: queue length (supervisors), returns."""

    queue: int | None
    returned: int


class ReviewFlow(HubFlow):
    """Opens the review queue and the trends, and records review decisions."""

    def __init__(self, app: AppController) -> None:
        super().__init__(app)
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

    def _workers(self) -> dict[str, str]:
        held = self._app.store.settings.get(TEAM_NAMES)
        return {str(k): str(v) for k, v in held.items()} if isinstance(held, dict) else {}

    def _risks(self) -> dict[str, ChildRisk]:
        overview = self._app.state.overview
        if overview is None:
            return {}
        return {
            c.child_id: ChildRisk(len(c.alerts.alerts), c.child.status == ChildStatus.CP)
            for f in overview.families
            for c in f.children
        }

    def open(self, message: str = "", *, keep: bool = False) -> None:
        """Show the review queue (for a supervisor), with any comment kept, and my returns.

        The filters chosen stay as they were; with `keep` (back from a record, or after a
        decision) so does what I decided since the queue was opened, beside each item.
        """
        service = self._service()
        returned = service.returned_to_me()
        visits = VisitAmendments(self._app.store, self._app.me())
        rows = service.queue(self._app.config.clock(), self._workers())
        drafts = self._app.form_drafts()
        waiting = {row.version_id for row in rows}
        for record_id, version_id in drafts.kept(REVIEW):
            if version_id not in waiting:
                # Decided elsewhere or marked reviewed: an invisible draft would count as
                # unsynced work for ever, refusing another user's sign-in.
                drafts.drop(REVIEW, record_id, version_id)
        kept = {
            row.version_id: draft
            for row in rows
            if (draft := drafts.get(REVIEW, row.record_id, ReviewDraft, row.version_id))
        }
        before = self._app.state.review
        screen = ReviewScreen(
            rows=rows,
            returned=returned,
            supervisor=service.is_supervisor,
            amendable=frozenset(i.record_id for i in returned if visits.may_amend(i.record_id)),
            forms=kept,
            kept=frozenset(kept),
            choice=before.choice if before else QueueChoice(),
            risks=self._risks(),
            acted=before.acted if before and keep else {},
        )
        self._app.state.open_review(screen)
        if message:
            self._app.state.say(message)

    def choose(self, **choice: str) -> None:
        """Filter or sort the queue: kind, worker ("" for all) and order ("risk" or "age")."""
        screen = self._app.state.review
        if screen is None:
            return
        unknown = set(choice) - {"kind", "worker", "order"}
        if unknown:
            raise MobileError("The queue cannot be filtered by that.")
        screen.choose(**choice)

    def read(self, version_id: str) -> None:
        """Show one queued record in full, with its versions, before any decision on it."""
        screen, row = self._row(version_id)
        overview = self._app.state.overview
        children = (
            {c.child_id: c.name for f in overview.families for c in f.children} if overview else {}
        )
        detail = DetailReader(self._app.store, self._app.me().id, children).read(version_id)
        risk = risk_words(row, screen.risks)
        self._app.state.open_review_item(ReviewItemScreen(row, detail, risk))

    def back(self) -> None:
        """Back from a record to the queue, where it was."""
        self.open(keep=True)

    def _row(self, version_id: str) -> tuple[ReviewScreen, ReviewRow]:
        screen = self._app.state.review
        row = next((r for r in screen.rows if r.version_id == version_id), None) if screen else None
        if screen is None or row is None:
            raise MobileError("That record is no longer waiting for review: open the queue again.")
        return screen, row

    def type(self, version_id: str, name: str, text: str) -> None:
        """Keep the comment or stage being chosen, sealed in the store (no re-render)."""
        if name not in ReviewDraft.model_fields:
            raise MobileError("That field is not on the review: open the queue again.")
        screen, row = self._row(version_id)
        form = screen.type(version_id, name, text)
        self._app.form_drafts().save(REVIEW, row.record_id, form, version_id)

    def form(self, version_id: str) -> ReviewDraft:
        """Return the comment and stage typed for one version so far."""
        screen = self._app.state.review
        found = screen.forms.get(version_id) if screen else None
        return found or ReviewDraft()

    def kept(self, version_id: str) -> bool:
        """Whether the comment on one version comes from a draft kept from before."""
        screen = self._app.state.review
        return screen is not None and version_id in screen.kept

    def _refused(self, at: str, problem: str) -> None:
        item = self._app.state.review_item
        if item is None:
            self._app.state.say(problem)
            return
        item.refuse(problem, at)

    def _done(self, version_id: str, outcome: str) -> None:
        screen, row = self._row(version_id)
        self._app.form_drafts().drop(REVIEW, row.record_id, version_id)
        screen.decided(row, f"{outcome} {QUEUED}")
        self._app.refresh()  # the outbox grew: the caseload's figures change
        self.open(keep=True)

    def countersign(self, version_id: str) -> None:
        """Countersign one version, offline, with the comment typed (if any)."""
        comment = self.form(version_id).comment
        self._service().countersign(version_id, self._app.config.clock(), comment)
        said = f": {comment.strip()}" if comment.strip() else "."
        self._done(version_id, f"Countersigned{said}")

    def return_to_author(self, version_id: str) -> None:
        """Return one version to its author with the reason typed, offline."""
        comment = self.form(version_id).comment.strip()
        _, row = self._row(version_id)
        if not comment:
            self._refused("comment", f"Say what {_them(row.worker)} should change.")
            return
        self._service().return_to_author(version_id, self._app.config.clock(), comment)
        self._done(version_id, f"Returned to {_them(row.worker)}: {comment}")

    def escalate(self, version_id: str) -> None:
        """Escalate one version to the stage chosen, with the reason typed, offline."""
        form = self.form(version_id)
        if not form.comment.strip():
            self._refused("comment", "Say why you escalate this record.")
            return
        if not form.stage.isdigit():
            self._refused("stage", "Choose the stage to escalate to, 1 to 4.")
            return
        clock = self._app.config.clock()
        self._service().escalate(version_id, clock, form.comment, int(form.stage))
        self._done(version_id, f"Escalated to stage {form.stage}: {form.comment.strip()}")

    def finish(self) -> None:
        """Mark the queue reviewed up to now: only newer records come back as new."""
        begun = len(self._app.form_drafts().kept(REVIEW))
        self._service().finish_review(self._app.config.clock())
        self._app.refresh()
        message = "Marked as reviewed. Records that reach you from now on show as new."
        self.open(message)
        if gone := begun - len(self._app.form_drafts().kept(REVIEW)):
            what = (
                "1 comment you had begun was"
                if gone == 1
                else f"{gone} comments you had begun were"
            )
            self._app.state.say(f"{message} {what} discarded.")

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
            {
                c.child_id: f"{c.name} ({f.family_name} family, {f.town})"
                for f in overview.families
                for c in f.children
            }
            if overview
            else {}
        )
        board = DashboardService(app.store).view(answer, app.config.clock(), names)
        app.state.open_dashboard(DashboardScreen(board))

    def dashboard_figure(self, key: str) -> None:
        """Open the list behind one figure (or close it when it is already open)."""
        shown = self._app.state.dashboard
        if shown is not None:
            shown.toggle(key)
            self._app.state.go(DASHBOARD)
