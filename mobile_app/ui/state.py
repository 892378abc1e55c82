"""Observable app state: what every screen shows, changed only through its own methods."""

from dataclasses import dataclass, field

import flet as ft

from mobile_app.services.background_sync import SyncOutcome
from mobile_app.services.child_summary import ChildSummary
from mobile_app.services.chronology import TimelineItem
from mobile_app.services.drafts import VisitDraft
from mobile_app.services.issues import SyncIssue
from mobile_app.services.overview import ChildRow, KnownAdult, Overview

SETUP = "/setup"
SIGN_IN = "/sign-in"
UNLOCK = "/unlock"
CASELOAD = "/caseload"
VISIT = "/visit"
SYNC = "/sync"
CHRONOLOGY = "/chronology"
CHILD = "/child"
SYNC_NEEDED = "/sync-needed"


@dataclass
class VisitScreen:
    """The visit being recorded: its draft, the child, the family's known adults."""

    draft: VisitDraft
    child: ChildRow
    adults: list[KnownAdult]
    domain: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class ChronologyScreen:
    """One child's timeline and its filters ("" means all)."""

    child: ChildRow
    items: list[TimelineItem]
    agencies: list[str]
    agency: str = ""
    significance: str = ""


@dataclass
class SummaryScreen:
    """Before the visit: one child's news since my last visit, actions and known men."""

    child: ChildRow
    summary: ChildSummary


@dataclass
class SyncProgress:
    """Where a running sync is, and how the last one ended."""

    running: bool = False
    phase: str = ""
    done: int = 0
    total: int = 0
    message: str = ""


@dataclass
class AppState(ft.Observable):
    """Everything the screens render; a change re-renders the screen that shows it."""

    organisation: str = ""
    server_url: str = ""
    route: str = UNLOCK
    message: str = ""
    busy: str = ""
    online: bool | None = None
    overview: Overview | None = None
    issues: list[SyncIssue] = field(default_factory=list)
    sync: SyncProgress = field(default_factory=SyncProgress)
    visit: VisitScreen | None = None
    chronology: ChronologyScreen | None = None
    summary: SummaryScreen | None = None
    revision: int = 0

    def go(self, route: str, message: str = "") -> None:
        """Show another screen, with an optional plain message on it."""
        self.message = message
        self.busy = ""
        self.route = route

    def say(self, message: str) -> None:
        """Show a plain message on the current screen."""
        self.busy = ""
        self.message = message

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

    def locked(self, message: str = "") -> None:
        """Forget everything about cases and show the lock screen."""
        self._forget_cases()
        self.sync = SyncProgress(running=self.sync.running)
        self.go(UNLOCK, message)

    def needs_sync(self, message: str = "") -> None:
        """Past the offline window: forget every case and ask for a sign-in and a sync."""
        self._forget_cases()
        self.go(SYNC_NEEDED, message)

    def show_overview(self, overview: Overview, issues: list[SyncIssue]) -> None:
        """Show fresh caseload and sync figures."""
        self.overview = overview
        self.issues = issues

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

    def open_summary(self, screen: SummaryScreen) -> None:
        """Show a child's before-the-visit summary."""
        self.summary = screen
        self.go(CHILD)

    def changed(self) -> None:
        """Re-render after a change inside the visit or chronology screen."""
        self.revision += 1
