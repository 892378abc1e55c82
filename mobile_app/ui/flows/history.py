"""One record's versions: amend, take back, or resolve a conflict, kept as it is typed."""

from mobile_app.errors import MobileError
from mobile_app.services.chronology.history import EntryRevisions, HistoryService
from mobile_app.services.visits.form_drafts import AmendmentDraft
from mobile_app.services.visits.visit_amendment import VisitAmendments
from mobile_app.services.wording import label
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import HubFlow
from mobile_app.ui.flows.chronology import ChronologyFlow
from mobile_app.ui.screens import HistoryScreen
from mobile_app.ui.state import CHRONOLOGY
from shared.models import ChronologyEntry
from shared.opinion_words import opinion_word_warnings
from shared.vocabulary import Lifecycle

AMENDMENT = "amendment"  # the form drafts' kind: an entry's changed text and reason


class HistoryFlow(HubFlow):
    """Shows a record's versions and adds new ones: amend, take back, resolve a conflict.

    The text and reason being written are sealed in the store at every keystroke (one draft
    per writer and record), so a lock loses nothing: reopening the record shows them.
    """

    def __init__(self, app: AppController, chronology: ChronologyFlow) -> None:
        super().__init__(app)
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
