"""The running app as the screens see it: its state, and the flows they call."""

from collections.abc import Callable

from mobile_app.ui.controller import AppConfig, AppController
from mobile_app.ui.flows.base import ScreenFlow
from mobile_app.ui.flows.case_records import DecisionFlow, MeetingFlow, PlanFlow
from mobile_app.ui.flows.chronology import ChronologyFlow
from mobile_app.ui.flows.export import ExportFlow
from mobile_app.ui.flows.history import HistoryFlow
from mobile_app.ui.flows.notes import NotesFlow
from mobile_app.ui.flows.renew import RenewFlow
from mobile_app.ui.flows.resume import ResumeFlow
from mobile_app.ui.flows.review import ReviewFlow
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


class Flows(ScreenFlow):
    """Everything a screen can ask the app to do (the hub screens are given it all)."""

    def __init__(self, config: AppConfig) -> None:
        self.state = AppState(organisation=config.profile.organisation)
        self.app = AppController(config, self.state)
        self._app = self.app
        self.visits = VisitFlow(self.app)
        self.sync = SyncFlow(self.app)
        self.chronology = ChronologyFlow(self.app)
        self.history = HistoryFlow(self.app, self.chronology)
        self.summary = SummaryFlow(self.app)
        self.renew = RenewFlow(self.app, self.sync)
        self.review = ReviewFlow(self.app)
        self.decisions = DecisionFlow(self.app)
        self.plans = PlanFlow(self.app)
        self.meetings = MeetingFlow(self.app)
        self.notes = NotesFlow(self.app)
        self.exports = ExportFlow(self.app)
        self.connectivity: object = None
        self.share_services: object = None
        self.sign_out = SignOutFlow(self.app)
        self.resume = ResumeFlow(self.app, self._openers())
        self.app.after_unlock = self.resume.resume

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
        if await self.app.sign_in(server_url, username, password):
            await self.sync.run()
