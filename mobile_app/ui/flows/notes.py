"""Supervision and analysis notes as the screens see them: open a child's notes, write one
(every keystroke sealed in the store, so the auto-lock loses nothing), and the child screen's
summary of them."""

from mobile_app.errors import MobileError
from mobile_app.services.planning.note_drafts import AnalysisForm, NoteDraftStore, SupervisionForm
from mobile_app.services.planning.note_lines import NotesOverview, notes_overview
from mobile_app.services.planning.notes import NotesService
from mobile_app.ui.flows.base import HubFlow
from mobile_app.ui.review_screens import NotesScreen

SAVED = "It will sync with your records."
_FORMS: dict[str, type[AnalysisForm] | type[SupervisionForm]] = {
    "analysis": AnalysisForm,
    "supervision": SupervisionForm,
}


class NotesFlow(HubFlow):
    """Opens a child's notes, keeps the note being written, and writes it offline."""

    def _service(self) -> NotesService:
        store = self._app.store
        return NotesService(store, self._app.me(), self._app.config.clock)

    def _drafts(self) -> NoteDraftStore:
        store = self._app.store
        return NoteDraftStore(store, self._app.me().id)

    def _screen(self) -> NotesScreen:
        screen = self._app.state.notes
        if screen is None:
            raise MobileError("Open the child's notes first.")
        return screen

    def overview(self, child_id: str) -> NotesOverview:
        """Return the child screen's summary of the notes, read from the store.

        Read at each render, not cached: a cache would keep case text in memory past the lock.
        """
        store = self._app.store
        return notes_overview(store, child_id, self._app.me().id, self._app.config.clock())

    def open(self, child_id: str, message: str = "") -> None:
        """Show the child's notes, newest first, with no form open."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        service = self._service()
        drafts = self._drafts()
        kept = frozenset(k for k, form in _FORMS.items() if drafts.has(child_id, form))
        screen = NotesScreen(
            row,
            service.notes_for(child_id),
            can_analyse=service.can_analyse,
            can_supervise=service.can_supervise,
            drafts=kept,
        )
        self._app.state.open_notes(screen)
        if message:
            self._app.state.say(message)

    def write(self, kind: str) -> None:
        """Open the form for a new note of this kind, or the one kept from before."""
        screen = self._screen()
        service = self._service()
        allowed = {"analysis": service.can_analyse, "supervision": service.can_supervise}
        if not allowed.get(kind, False):
            raise MobileError("Your role does not write this kind of note.")
        child_id = screen.child.child_id
        drafts = self._drafts()
        self._app.state.say("")
        if kind == "analysis":
            screen.write_analysis(
                drafts.get(child_id, AnalysisForm) or service.new_analysis(child_id)
            )
        else:
            screen.write_supervision(drafts.get(child_id, SupervisionForm) or SupervisionForm())

    def type(self, name: str, text: str) -> None:
        """Keep a field being typed, sealed in the store at once (no re-render while typing)."""
        screen = self._screen()
        form = screen.analysis if screen.writing == "analysis" else screen.supervision
        if screen.writing not in _FORMS or name not in type(form).model_fields:
            raise MobileError("That field is not on this note: open the note again.")
        self._drafts().save(screen.child.child_id, screen.type(name, text))

    def save(self) -> None:
        """Write the note being typed, forget its draft, and show the child's notes."""
        screen = self._screen()
        child = screen.child
        service = self._service()
        if screen.writing == "analysis":
            service.write_analysis(child.case_id, child.child_id, screen.analysis)
            done = f"Chronology analysis saved. {SAVED}"
        elif screen.writing == "supervision":
            service.write_supervision(child.case_id, child.child_id, screen.supervision)
            done = f"Supervision note saved. {SAVED}"
        else:
            raise MobileError("No note is being written: choose which note to write.")
        self._drafts().drop(child.child_id, _FORMS[screen.writing])
        self._app.refresh()  # the outbox grew: the caseload's figures change
        self.open(child.child_id, done)

    def discard(self) -> None:
        """Throw away the note being written and its kept draft."""
        screen = self._screen()
        if screen.writing in _FORMS:
            self._drafts().drop(screen.child.child_id, _FORMS[screen.writing])
        self.open(screen.child.child_id, "Note discarded.")

    def close_form(self) -> None:
        """Leave the form; what was typed stays kept for later."""
        screen = self._screen()
        self.open(screen.child.child_id, "Your note is kept on this device: continue it later.")
