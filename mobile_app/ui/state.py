"""Observable app state: what every screen shows, changed only through its own methods."""

from dataclasses import dataclass, field
from datetime import date

import flet as ft

from mobile_app.services.background_sync import SyncOutcome
from mobile_app.services.child_summary import ChildSummary
from mobile_app.services.chronology import screen_query
from mobile_app.services.dashboard import TeamDashboardView
from mobile_app.services.decisions import DecisionEntry, PendingDecision
from mobile_app.services.drafts import VisitDraft
from mobile_app.services.form_drafts import ReviewDraft
from mobile_app.services.history import RecordHistory
from mobile_app.services.issues import SyncIssue
from mobile_app.services.meetings import ChairChoice, MeetingForm
from mobile_app.services.note_drafts import AnalysisForm, SupervisionForm
from mobile_app.services.note_lines import NoteLine
from mobile_app.services.overview import ChildRow, KnownAdult, Overview
from mobile_app.services.plans import PlanView
from mobile_app.services.review import ReturnedItem, ReviewRow
from mobile_app.services.review_detail import ReviewDetail
from mobile_app.services.review_order import ChildRisk, QueueChoice
from mobile_app.services.same_event import SameEventSuggestion
from mobile_app.services.trends import ChildTrends
from mobile_app.services.visit_gaps import gaps_on
from shared.chronology import ChronologyQuery
from shared.protocol import ChronologyItem

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
class VisitScreen:
    """The visit being recorded: its draft, the child, the family's known adults."""

    draft: VisitDraft
    child: ChildRow
    adults: list[KnownAdult]
    domain: int = 0
    problems: list[str] = field(default_factory=list)
    flagged: str = ""  # the step whose unanswered questions are marked at the question
    confirm_discard: bool = False  # asking "discard this draft?" before anything is lost

    def error(self, key: str) -> str | None:
        """What is missing at one question, once Next was tapped with it unanswered."""
        return next(iter(self.errors(key)), None)

    def errors(self, key: str) -> list[str]:
        """Everything missing at one part of the step, once Next was tapped."""
        if not self.flagged or self.flagged != self.draft.step_name:
            return []
        gaps = gaps_on(self.draft, self.child.child, self.flagged)
        return [g.text for g in gaps if g.field == key]


@dataclass
class ChronologyScreen:
    """One child's timeline and its filters ("" means all)."""

    child: ChildRow
    items: list[ChronologyItem]
    agencies: list[str]
    agency: str = ""
    significance: str = ""
    event_types: list[str] = field(default_factory=list)
    suggestions: list[SameEventSuggestion] = field(default_factory=list)
    period: str = ""
    neglect_type: str = ""
    event_type: str = ""
    family: bool = False  # the whole family's entries, not only this child's

    def filters(self, today: date) -> ChronologyQuery:
        """The filters chosen on screen, as the timeline (and its PDF) applies them."""
        return screen_query(
            today,
            self.period,
            agency=self.agency,
            significance=self.significance,
            neglect_type=self.neglect_type,
            event_type=self.event_type,
        )


@dataclass
class HistoryScreen:
    """One record's versions, and the text and reason of the change being written."""

    child: ChildRow
    history: RecordHistory
    text: str = ""
    reason: str = ""
    base_id: str = ""  # the competing version a resolution starts from
    mine: bool = False  # only an entry's author amends or takes it back
    visit_id: str = ""  # the visit an entry was made from ("" for none)
    kept: bool = False  # the text and reason come from a kept draft


@dataclass
class SummaryScreen:
    """Before the visit: one child's news since my last visit, actions and known men."""

    child: ChildRow
    summary: ChildSummary


@dataclass
class ReviewScreen:
    """Supervision: my review queue (supervisors only) and my records returned to me."""

    rows: list[ReviewRow]
    returned: list[ReturnedItem]
    supervisor: bool
    amendable: frozenset[str] = frozenset()  # returned visits I may amend in the visit form
    forms: dict[str, ReviewDraft] = field(default_factory=dict)  # by version id
    kept: frozenset[str] = frozenset()  # versions whose comment comes from a kept draft
    choice: QueueChoice = field(default_factory=QueueChoice)
    risks: dict[str, ChildRisk] = field(default_factory=dict)  # by child id, from the caseload
    # What I decided here since the queue was opened, by version: the row and the outcome in
    # words, shown beside the item it was about.
    acted: dict[str, tuple[ReviewRow, str]] = field(default_factory=dict)


@dataclass
class ReviewItemScreen:
    """One queued record read in full, and the decision being written on it."""

    row: ReviewRow
    detail: ReviewDetail
    risk: str = ""  # why it sorts where it does, in words
    problem: str = ""  # what stops the decision, said at the reason box
    problem_at: str = ""  # "comment" or "stage": the field the problem is about


@dataclass
class DashboardScreen:
    """The team dashboard (supervisors), and the figure whose list is open ("" for none)."""

    board: TeamDashboardView
    open_figure: str = ""


@dataclass
class TrendsScreen:
    """One child's safety scale and checklist concerns over time."""

    child: ChildRow
    trends: ChildTrends


@dataclass
class DecisionScreen:
    """One child's decision prompts (A6), and the "no action" decisions awaiting a signature."""

    child: ChildRow
    prompts: list[PendingDecision]
    waiting: list[DecisionEntry]
    can_decide: bool
    can_countersign: bool
    rationales: dict[str, str] = field(default_factory=dict)  # by the entry needing it
    kept: bool = False  # the rationales come from a kept draft


@dataclass
class PlanScreen:
    """The child's plans and outcomes, and the outcome being written by the plan's holder."""

    child: ChildRow
    plans: list[PlanView]
    plan_id: str = ""  # the plan the form's outcome belongs to ("" when no form is open)
    editing: str = ""  # the outcome being changed ("" for a new outcome)
    form: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    kept: bool = False  # the open form comes from a kept draft
    base: dict[str, str] = field(default_factory=dict)  # the outcome as it was when editing began


@dataclass
class MeetingScreen:
    """A professionals-only meeting being recorded for the child's family."""

    child: ChildRow
    chairs: list[ChairChoice]
    can_record: bool
    form: MeetingForm = field(default_factory=MeetingForm)
    kept: bool = False  # the form comes from a kept draft


@dataclass
class NotesScreen:
    """A child's supervision and analysis notes, and the note being written ("" for none)."""

    child: ChildRow
    notes: list[NoteLine]
    can_analyse: bool
    can_supervise: bool
    drafts: frozenset[str] = frozenset()  # kinds of note with a draft kept for this child
    writing: str = ""  # "analysis", "supervision", or "" when no form is open
    analysis: AnalysisForm = field(default_factory=AnalysisForm)
    supervision: SupervisionForm = field(default_factory=SupervisionForm)


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
    revision: int = 0
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
        self.changed()

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

    def changed(self) -> None:
        """Re-render after a change inside the visit or chronology screen."""
        self.revision += 1
