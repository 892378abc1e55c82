"""Observable app state: the route, the message, sync and the caseload, and which screen
model (mobile_app/ui/screens.py) each screen shows; changed only through its own methods."""

from dataclasses import dataclass, field

import flet as ft

from mobile_app.services.caseload.overview import Overview
from mobile_app.services.sync.background_sync import SyncOutcome
from mobile_app.services.sync.issues import SyncIssue
from mobile_app.ui.review_screens import (
    DashboardScreen,
    DecisionScreen,
    NotesScreen,
    ReviewItemScreen,
    ReviewScreen,
)
from mobile_app.ui.screens import (
    ChronologyScreen,
    HistoryScreen,
    MeetingScreen,
    PlanScreen,
    SummaryScreen,
    TrendsScreen,
    VisitScreen,
)

SETUP = "/setup"
SIGN_IN = "/sign-in"
UNLOCK = "/unlock"
CASELOAD = "/caseload"
VISIT = "/visit"
SYNC = "/sync"
CHRONOLOGY = "/chronology"
CHILD = "/child"
SYNC_NEEDED = "/sync-needed"
REVIEW = "/review"
TRENDS = "/trends"
RECORD_HISTORY = "/record-history"
DECISION = "/decision"
PLAN = "/plan"
MEETING = "/meeting"
DASHBOARD = "/dashboard"
NOTES = "/notes"
REVIEW_ITEM = "/review-item"
SIGN_OUT = "/sign-out"


@dataclass
class SyncProgress:
    """Where a running sync is, and how the last one ended."""

    running: bool = False
    phase: str = ""
    done: int = 0
    total: int = 0
    message: str = ""


@dataclass(frozen=True)
class ResumePoint:
    """Where the lock interrupted: the screen and ids only (nothing of a case is readable),
    so unlocking reloads that screen from the store."""

    route: str
    child_id: str = ""
    draft_id: str = ""  # the visit being recorded
    domain: int = 0  # the checklist area open on the visit form
    record_id: str = ""  # the record whose history, or the queued version, was open


# Screens about one child, reopened on unlock from their child id: route, then the screen.
CHILD_ROUTES = {
    CHILD: "summary",
    CHRONOLOGY: "chronology",
    TRENDS: "trends",
    DECISION: "decision",
    PLAN: "plan",
    MEETING: "meeting",
    NOTES: "notes",
}


@dataclass
class AppState(ft.Observable):
    """Everything the screens render; a change re-renders the screen that shows it."""

    organisation: str = ""
    server_url: str = ""
    route: str = UNLOCK
    message: str = ""
    tone: str = "info"  # how the message looks: info, done (it worked) or problem
    busy: str = ""
    online: bool | None = None
    overview: Overview | None = None
    issues: list[SyncIssue] = field(default_factory=list)
    sync: SyncProgress = field(default_factory=SyncProgress)
    visit: VisitScreen | None = None
    chronology: ChronologyScreen | None = None
    summary: SummaryScreen | None = None
    review: ReviewScreen | None = None
    review_item: ReviewItemScreen | None = None
    trends: TrendsScreen | None = None
    history: HistoryScreen | None = None
    decision: DecisionScreen | None = None
    plan: PlanScreen | None = None
    meeting: MeetingScreen | None = None
    notes: NotesScreen | None = None
    dashboard: DashboardScreen | None = None
    # The keystore has no secret for this data folder: it can never be opened here again.
    key_missing: bool = False
    resume: ResumePoint | None = None  # where to return after the next unlock

    def go(self, route: str, message: str = "", tone: str = "info") -> None:
        """Show another screen, with an optional plain message on it."""
        self.message, self.tone = message, tone
        self.busy = ""
        self.route = route

    def say(self, message: str, tone: str = "info") -> None:
        """Show a plain message on the current screen (tone: info, done or problem)."""
        self.busy = ""
        self.message, self.tone = message, tone

    def quiet(self) -> None:
        """Take down the message about the last action (the next one has begun)."""
        if self.message:
            self.message = ""

    def working(self, what: str) -> None:
        """Say what the app is busy doing (clears the message)."""
        self.message = ""
        self.busy = what

    def _forget_cases(self) -> None:
        self.overview = None
        self.issues = []
        self.visit = None
        self.chronology = None
        self.summary = None
        self.review = None
        self.review_item = None
        self.trends = None
        self.history = None
        self.decision = None
        self.plan = None
        self.meeting = None
        self.notes = None
        self.dashboard = None

    def _where(self) -> ResumePoint | None:
        """The open screen as a route and ids, or None for a screen not about cases."""
        if self.route == VISIT and self.visit is not None:
            child_id = self.visit.child.child_id
            return ResumePoint(VISIT, child_id, self.visit.draft.draft_id, self.visit.domain)
        if self.route == RECORD_HISTORY and self.history is not None:
            child_id, record_id = self.history.child.child_id, self.history.history.record_id
            return ResumePoint(RECORD_HISTORY, child_id, record_id=record_id)
        if self.route == REVIEW_ITEM and self.review_item is not None:
            return ResumePoint(REVIEW_ITEM, record_id=self.review_item.row.version_id)
        if self.route in CHILD_ROUTES:
            shown = getattr(self, CHILD_ROUTES[self.route])
            return ResumePoint(self.route, shown.child.child_id) if shown else None
        if self.route in (CASELOAD, SYNC, REVIEW, DASHBOARD):
            return ResumePoint(self.route)
        return None

    def locked(self, message: str = "") -> None:
        """Remember where we were (route and ids only), forget everything about cases and
        show the lock screen."""
        if self.route != UNLOCK:  # locking again keeps the first place
            self.resume = self._where()
        self._forget_cases()
        self.sync = SyncProgress(running=self.sync.running)
        self.go(UNLOCK, message)

    def needs_sync(self, message: str = "") -> None:
        """Past the offline window: forget every case and ask for a sign-in and a sync."""
        self._forget_cases()
        self.go(SYNC_NEEDED, message)

    def show_overview(self, overview: Overview, issues: list[SyncIssue]) -> None:
        """Show fresh caseload and sync figures (re-rendering even when no figure changed: a
        review that arrived alone changes what the caseload's review banner says)."""
        self.overview = overview
        self.issues = issues
        self.notify()  # type: ignore[no-untyped-call]  # Flet's notify is unannotated

    def sync_started(self) -> None:
        """Mark a sync as running."""
        self.sync = SyncProgress(running=True, phase="Starting")

    def sync_progress(self, phase: str, done: int, total: int) -> None:
        """Show how far the running sync has got."""
        if self.sync.running:
            self.sync = SyncProgress(running=True, phase=phase, done=done, total=total)

    def sync_finished(self, outcome: SyncOutcome) -> None:
        """Show how the sync ended; offline is a state, not an error."""
        self.online = outcome.state != "offline"
        self.sync = SyncProgress(message=outcome.message)

    def connectivity(self, online: bool) -> None:
        """Show what the device says about its network."""
        self.online = online

    def open_visit(self, screen: VisitScreen) -> None:
        """Show a visit being recorded."""
        self.visit = screen
        self.go(VISIT)

    def close_visit(self) -> None:
        """Forget the visit on screen (its draft stays in the store)."""
        self.visit = None

    def open_chronology(self, screen: ChronologyScreen) -> None:
        """Show a child's chronology."""
        self.chronology = screen
        self.go(CHRONOLOGY)

    def open_history(self, screen: HistoryScreen) -> None:
        """Show one record's version history."""
        self.history = screen
        self.go(RECORD_HISTORY)

    def open_plan(self, screen: PlanScreen) -> None:
        """Show a child's plan outcomes."""
        self.plan = screen
        self.go(PLAN)

    def open_meeting(self, screen: MeetingScreen) -> None:
        """Show the professionals-only meeting form."""
        self.meeting = screen
        self.go(MEETING)

    def open_notes(self, screen: NotesScreen) -> None:
        """Show a child's supervision and analysis notes."""
        self.notes = screen
        self.go(NOTES)

    def open_decision(self, screen: DecisionScreen) -> None:
        """Show a child's decision prompts."""
        self.decision = screen
        self.go(DECISION)

    def open_summary(self, screen: SummaryScreen) -> None:
        """Show a child's before-the-visit summary."""
        self.summary = screen
        self.go(CHILD)

    def open_review(self, screen: ReviewScreen) -> None:
        """Show the review queue and the records returned to me."""
        self.review = screen
        self.go(REVIEW)

    def open_review_item(self, screen: ReviewItemScreen) -> None:
        """Show one queued record in full, with the supervisor's three decisions."""
        self.review_item = screen
        self.go(REVIEW_ITEM)

    def open_dashboard(self, screen: DashboardScreen) -> None:
        """Show the team dashboard."""
        self.dashboard = screen
        self.go(DASHBOARD)

    def open_trends(self, screen: TrendsScreen) -> None:
        """Show a child's trends."""
        self.trends = screen
        self.go(TRENDS)

    def close_meeting(self) -> None:
        """Forget the meeting form on screen (recorded or discarded)."""
        self.meeting = None

    def keystore(self, missing: bool) -> None:
        """Say whether the keystore lost this data folder's secret (it cannot open again)."""
        self.key_missing = missing

    def serve_from(self, server_url: str) -> None:
        """Show the server this app signs in to."""
        self.server_url = server_url

    def forget_resume(self) -> None:
        """Return to nothing after the next unlock (the device was erased or set up anew)."""
        self.resume = None

    def take_resume(self) -> ResumePoint | None:
        """Where to return after this unlock (asked once: the next unlock starts afresh)."""
        point, self.resume = self.resume, None
        return point
