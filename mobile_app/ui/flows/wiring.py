"""The running app as the screens see it: its state, and the flows they call."""

from collections.abc import Callable

from mobile_app.ui.controller import AppConfig, AppController
from mobile_app.ui.flows.base import Openers
from mobile_app.ui.flows.case_records import DecisionFlow, MeetingFlow, PlanFlow
from mobile_app.ui.flows.caseload import CaseloadFlow
from mobile_app.ui.flows.chronology import ChronologyFlow
from mobile_app.ui.flows.export import ExportFlow
from mobile_app.ui.flows.history import HistoryFlow
from mobile_app.ui.flows.notes import NotesFlow
from mobile_app.ui.flows.renew import RenewFlow
from mobile_app.ui.flows.resume import ResumeFlow
from mobile_app.ui.flows.review import ReviewFlow
from mobile_app.ui.flows.session import SessionFlow
from mobile_app.ui.flows.sign_out import SignOutFlow
from mobile_app.ui.flows.summary import SummaryFlow
from mobile_app.ui.flows.sync import SyncFlow
from mobile_app.ui.flows.visit import VisitFlow
from mobile_app.ui.state import (
    CHILD,
    CHRONOLOGY,
    DASHBOARD,
    DECISION,
    MEETING,
    NOTES,
    PLAN,
    RECORD_HISTORY,
    REVIEW,
    REVIEW_ITEM,
    SYNC,
    TRENDS,
    AppState,
    ResumePoint,
)


class Flows:
    """Every flow of one session, built and linked once; each screen is given only its own."""

    def __init__(self, config: AppConfig) -> None:
        self.state = AppState(organisation=config.profile.organisation)
        self.app = AppController(config, self.state)
        self.visits = VisitFlow(self.app)
        self.sync = SyncFlow(self.app)
        self.session = SessionFlow(self.app, self.sync)
        self.exports = ExportFlow(self.app)
        self.chronology = ChronologyFlow(self.app, self.exports)
        self.history = HistoryFlow(self.app, self.chronology)
        self.notes = NotesFlow(self.app)
        self.summary = SummaryFlow(self.app, self.notes)
        self.renew = RenewFlow(self.app, self.sync)
        self.review = ReviewFlow(self.app)
        self.caseload = CaseloadFlow(self.app, self.review.badge)
        self.decisions = DecisionFlow(self.app)
        self.plans = PlanFlow(self.app)
        self.meetings = MeetingFlow(self.app)
        self.connectivity: object = None
        self.share_services: object = None
        self.sign_out = SignOutFlow(self.app)
        self._link()
        self.resume = ResumeFlow(self.app, self._openers())
        self.app.after_unlock = self.resume.resume

    def _link(self) -> None:
        """Give each screen's flow the screens it opens (once every flow is built)."""
        opens = Openers(
            summary=self.summary.open,
            chronology=self.chronology.open,
            record=self.history.open,
            visit=self.visits.open,
            amend_visit=self.visits.amend,
            trends=self.review.trends,
            decisions=self.decisions.open,
            plan=self.plans.open,
            meeting=self.meetings.open,
            notes=self.notes.open,
            review=self.review.open,
            dashboard=self.review.dashboard,
            sign_out=self.sign_out.open,
            sync=self.sync.run,
        )
        hubs = (self.caseload, self.summary, self.chronology, self.history, self.review)
        for hub in (*hubs, self.notes, self.sign_out):
            hub.opens = opens

    def _openers(self) -> dict[str, Callable[[ResumePoint], object]]:
        """How each screen reopens after an unlock, from the ids the lock kept."""
        return {
            CHILD: lambda at: self.summary.open(at.child_id),
            CHRONOLOGY: lambda at: self.chronology.open(at.child_id),
            RECORD_HISTORY: self._history,
            TRENDS: lambda at: self.review.trends(at.child_id),
            DECISION: lambda at: self.decisions.open(at.child_id),
            PLAN: lambda at: self.plans.open(at.child_id),
            MEETING: lambda at: self.meetings.open(at.child_id),
            NOTES: lambda at: self.notes.open(at.child_id),
            REVIEW: lambda _: self.review.open(),
            REVIEW_ITEM: self._review_item,
            DASHBOARD: lambda _: self.review.dashboard(),
            SYNC: lambda _: self.state.go(SYNC),
        }

    def _history(self, at: ResumePoint) -> None:
        self.chronology.open(at.child_id)
        if self.state.chronology is not None:
            self.history.open(at.record_id)

    def _review_item(self, at: ResumePoint) -> None:
        self.review.open()
        if self.state.review is not None and at.record_id in {
            row.version_id for row in self.state.review.rows
        }:
            self.review.read(at.record_id)

    async def sign_in(self, server_url: str, username: str, password: str) -> None:
        """Sign in, then download the caseload in the background."""
        await self.session.sign_in(server_url, username, password)
