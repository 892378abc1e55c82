"""Before the visit: a child's news since my last visit."""

from mobile_app.services.planning.note_lines import NotesOverview
from mobile_app.services.visits.child_summary import child_summary
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import HubFlow
from mobile_app.ui.flows.notes import NotesFlow
from mobile_app.ui.screens import SummaryScreen


class SummaryFlow(HubFlow):
    """Opens a child's before-the-visit summary."""

    def __init__(self, app: AppController, notes: NotesFlow) -> None:
        super().__init__(app)
        self._notes = notes

    def notes_overview(self, child_id: str) -> NotesOverview:
        """What the child's supervision and analysis notes say, in brief."""
        return self._notes.overview(child_id)

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
