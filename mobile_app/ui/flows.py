"""The running app as the screens see it: its state, and the flows they call."""

from mobile_app.services.account import AccountService
from mobile_app.services.child_summary import child_summary
from mobile_app.services.chronology import ChronologyService
from mobile_app.ui.controller import AppConfig, AppController
from mobile_app.ui.state import AppState, ChronologyScreen, SummaryScreen
from mobile_app.ui.sync_flow import SyncFlow
from mobile_app.ui.visit_flow import VisitFlow


class ChronologyFlow:
    """Opens a child's timeline and filters it."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def open(self, child_id: str) -> None:
        """Show the child's chronology, newest first, unfiltered."""
        overview = self._app.state.overview
        row = overview.child(child_id) if overview else None
        if row is None:
            self._app.state.say("That child is no longer on this device.")
            return
        service = ChronologyService(self._app.store)
        self._app.state.open_chronology(
            ChronologyScreen(row, service.for_child(child_id), service.agencies(child_id))
        )

    def filter(self, agency: str | None = None, significance: str | None = None) -> None:
        """Show only entries from one agency and/or of one significance ("" for all)."""
        screen = self._app.state.chronology
        if screen is None:
            return
        if agency is not None:
            screen.agency = agency
        if significance is not None:
            screen.significance = significance
        screen.items = ChronologyService(self._app.store).for_child(
            screen.child.child_id, screen.agency or None, screen.significance or None
        )
        self._app.state.changed()


class SummaryFlow:
    """Opens a child's before-the-visit summary."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def open(self, child_id: str) -> None:
        """Show what is new since my last visit, open actions and the known men."""
        overview = self._app.state.overview
        row = overview.child(child_id) if overview else None
        if row is None:
            self._app.state.say("That child is no longer on this device.")
            return
        store = self._app.store
        me = AccountService(store).session().practitioner
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
        self.summary = SummaryFlow(self.app)
        self.renew = RenewFlow(self.app, self.sync)
        self.connectivity: object = None

    async def sign_in(self, server_url: str, username: str, password: str) -> None:
        """Sign in, then download the caseload in the background."""
        if await self.app.sign_in(server_url, username, password):
            await self.sync.run()
