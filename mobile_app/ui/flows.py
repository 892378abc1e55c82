"""The running app as the screens see it: its state, and the flows they call."""

from collections.abc import Callable

from mobile_app.errors import MobileError
from mobile_app.services.account import AccountService
from mobile_app.services.child_summary import child_summary
from mobile_app.services.chronology import ChronologyService
from mobile_app.services.form_drafts import AmendmentDraft
from mobile_app.services.history import EntryRevisions, HistoryService
from mobile_app.services.overview import ChildRow
from mobile_app.services.same_event import SameEventService
from mobile_app.services.visit_amendment import VisitAmendments
from mobile_app.services.wording import label
from mobile_app.ui.case_record_flows import DecisionFlow, MeetingFlow, PlanFlow
from mobile_app.ui.controller import AppConfig, AppController
from mobile_app.ui.export_flow import ExportFlow
from mobile_app.ui.notes_flow import NotesFlow
from mobile_app.ui.resume_flow import ResumeFlow
from mobile_app.ui.review_flow import ReviewFlow
from mobile_app.ui.screens import ChronologyScreen, HistoryScreen, SummaryScreen
from mobile_app.ui.sign_out_flow import SignOutFlow
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
from mobile_app.ui.sync_flow import SyncFlow
from mobile_app.ui.visit_flow import VisitFlow
from shared.chronology import ChronologyQuery
from shared.models import ChronologyEntry
from shared.opinion_words import opinion_word_warnings
from shared.protocol import ChronologyItem
from shared.vocabulary import Lifecycle

_FILTERS = frozenset({"agency", "significance", "period", "neglect_type", "event_type"})


class ChronologyFlow:
    """Opens a child's timeline, filters it, and links two agencies' entries of one event."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def open(self, child_id: str) -> None:
        """Show the child's chronology, newest first, unfiltered."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        me = self._app.me()
        service = ChronologyService(self._app.store, me)
        self._app.state.open_chronology(
            ChronologyScreen(
                row,
                service.for_child(child_id),
                service.agencies(child_id),
                event_types=service.event_types(child_id),
                suggestions=SameEventService(self._app.store, me).suggestions(child_id),
            )
        )

    def filter(self, **choices: str) -> None:
        """Show only matching entries; choices: agency, significance, period, neglect_type,
        event_type ("" for all)."""
        screen = self._app.state.chronology
        if screen is None:
            return
        for name in choices:
            if name not in _FILTERS:
                raise MobileError(f"{name}: the chronology cannot be filtered by that.")
        screen.choose(**choices)
        self._reload(screen)

    def show_family(self, on: bool) -> None:
        """Show the whole family's entries (each once), or only the child's again."""
        screen = self._app.state.chronology
        if screen is None:
            return
        service = ChronologyService(self._app.store)
        everything = self._read(service, screen.child, on, None)
        screen.scope(
            on,
            sorted({item.source_agency for item in everything}),
            sorted({item.event_type for item in everything}),
        )
        self._reload(screen)

    @staticmethod
    def _read(
        service: ChronologyService,
        child: ChildRow,
        family: bool,
        filters: ChronologyQuery | None,
    ) -> list[ChronologyItem]:
        if family:
            return service.for_case(child.case_id, filters)
        return service.for_child(child.child_id, filters)

    def _reload(self, screen: ChronologyScreen) -> None:
        me = self._app.me()
        filters = screen.filters(self._app.config.clock().date())
        child_id = screen.child.child_id
        service = ChronologyService(self._app.store, me)
        screen.show(
            self._read(service, screen.child, screen.family, filters),
            SameEventService(self._app.store, me).suggestions(child_id),
        )

    def link(self, first_id: str, second_id: str) -> None:
        """Link two entries as one event (a new record, synced later) and say so."""
        screen = self._app.state.chronology
        if screen is None:
            return
        SameEventService(self._app.store, self._app.me()).link(
            screen.child.child_id, (first_id, second_id)
        )
        self._reload(screen)
        self._app.state.say(
            "Linked as the same event. The link will sync with your records.", "done"
        )


AMENDMENT = "amendment"  # the form drafts' kind: an entry's changed text and reason


class HistoryFlow:
    """Shows a record's versions and adds new ones: amend, take back, resolve a conflict.

    The text and reason being written are sealed in the store at every keystroke (one draft
    per writer and record), so a lock loses nothing: reopening the record shows them.
    """

    def __init__(self, app: AppController, chronology: ChronologyFlow) -> None:
        self._app = app
        self._chronology = chronology

    def open(self, record_id: str) -> None:
        """Show the record's history, with its current text ready to change."""
        chronology = self._app.state.chronology
        if chronology is None:
            self._app.state.say("Open a child's chronology first.")
            return
        me = self._app.me()
        store = self._app.store
        history = HistoryService(store, me.id).for_record(record_id)
        heads = history.heads
        head = store.records.get(heads[0].version_id).version.payload
        if history.record_type == "visit":
            mine = VisitAmendments(store, me).may_amend(record_id)
        else:
            mine = EntryRevisions(store, me).may_change(record_id)
        screen = HistoryScreen(
            chronology.child,
            history,
            text=heads[0].text,
            base_id=heads[0].version_id,
            mine=mine,
            visit_id=(head.visit_id or "") if isinstance(head, ChronologyEntry) else "",
        )
        draft = self._app.form_drafts().get(AMENDMENT, record_id, AmendmentDraft)
        if draft is not None and history.record_type == "chronology_entry":
            # A base no longer among the heads: the versions moved on, start from the head.
            current = any(line.version_id == draft.base_id for line in heads)
            screen.restore(draft.text, draft.reason, draft.base_id if current else None)
        self._app.state.open_history(screen)

    def _screen(self) -> HistoryScreen:
        screen = self._app.state.history
        if screen is None:
            raise MobileError("No record is open: open it from the chronology.")
        return screen

    def _keep(self, screen: HistoryScreen) -> None:
        draft = AmendmentDraft(text=screen.text, reason=screen.reason, base_id=screen.base_id)
        self._app.form_drafts().save(AMENDMENT, screen.history.record_id, draft)

    def type_text(self, text: str) -> None:
        """Keep the text being written, sealed in the store (no re-render while typing)."""
        screen = self._screen()
        screen.type_text(text)
        self._keep(screen)

    def type_reason(self, reason: str) -> None:
        """Keep the reason being written, sealed in the store (no re-render while typing)."""
        screen = self._screen()
        screen.type_reason(reason)
        self._keep(screen)

    def pick(self, version_id: str) -> None:
        """Start the resolution from one competing version: its text, its other details."""
        screen = self._screen()
        line = next((v for v in screen.history.heads if v.version_id == version_id), None)
        if line is None:
            raise MobileError("That version is no longer one of the competing versions.")
        screen.start_from(version_id, line.text)
        self._keep(screen)

    def amend(self) -> None:
        """Save the changed text as a new version, with the reason."""
        screen = self._screen()
        EntryRevisions(self._app.store, self._app.me()).amend(
            screen.history.record_id, screen.text, screen.reason
        )
        # V6 never blocks: the saved message repeats any opinion-word warning.
        warnings = " ".join(opinion_word_warnings(screen.text))
        message = "Amendment saved. It will sync with your records."
        self._done(screen, f"{message} {warnings}".strip())

    def take_back(self, lifecycle: Lifecycle) -> None:
        """Mark the entry withdrawn or entered in error, with the reason."""
        screen = self._screen()
        EntryRevisions(self._app.store, self._app.me()).take_back(
            screen.history.record_id, lifecycle, screen.reason
        )
        self._done(screen, f"Marked {label(lifecycle).lower()}. It will sync with your records.")

    def resolve(self) -> None:
        """Save one version, with the chosen text, that replaces every competing version."""
        screen = self._screen()
        EntryRevisions(self._app.store, self._app.me()).resolve(
            screen.history.record_id, screen.text, screen.reason, screen.base_id
        )
        self._done(screen, "Conflict resolved. The resolution will sync with your records.")

    def discard(self) -> None:
        """Throw away the change being written and its kept draft; show the record again."""
        screen = self._screen()
        self._app.form_drafts().drop(AMENDMENT, screen.history.record_id)
        self.open(screen.history.record_id)
        self._app.state.say("Your change was discarded.")

    def _done(self, screen: HistoryScreen, message: str) -> None:
        self._app.form_drafts().drop(AMENDMENT, screen.history.record_id)
        history = HistoryService(self._app.store, self._app.me().id).for_record(
            screen.history.record_id
        )
        head = history.heads[0]
        self._app.state.open_history(
            HistoryScreen(
                screen.child,
                history,
                text=head.text,
                base_id=head.version_id,
                visit_id=screen.visit_id,
            )
        )
        self._app.state.say(message)

    def back(self) -> None:
        """Back to the chronology, read again."""
        screen = self._app.state.chronology
        if screen is None:
            self._app.show_caseload()
            return
        self._chronology.filter()
        self._app.state.go(CHRONOLOGY)


class SummaryFlow:
    """Opens a child's before-the-visit summary."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def open(self, child_id: str) -> None:
        """Show what is new since my last visit, open actions and the known men."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        store = self._app.store
        me = self._app.me()
        today = self._app.config.clock().date()
        summary = child_summary(store, child_id, row.case_id, me.id, today)
        self._app.state.open_summary(SummaryScreen(row, summary))


class RenewFlow:
    """Past the offline window: sign in again, then sync, before any case is shown again."""

    def __init__(self, app: AppController, sync: SyncFlow) -> None:
        self._app = app
        self._sync = sync

    async def renew(self, password: str) -> None:
        """Sign in with the password, sync, and only then open the caseload again."""
        state = self._app.state
        if not password:
            state.say("Type your password to sign in again.")
            return
        session = AccountService(self._app.store).session()
        username = session.practitioner.username
        if not await self._app.authenticate(session.server_url, username, password):
            return
        state.working("Signed in. Syncing…")
        outcome = await self._sync.run(renewing=True)
        if outcome is None:
            state.say("A sync is already running: wait a moment, then try again.")
        elif outcome.state != "done":
            state.say(f"You are signed in, but the sync did not finish. {outcome.message}")
        else:
            self._app.reopen("Signed in and synced: your caseload is up to date.")


class Flows:
    """Everything a screen can ask the app to do."""

    def __init__(self, config: AppConfig) -> None:
        self.state = AppState(organisation=config.profile.organisation)
        self.app = AppController(config, self.state)
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
