"""Past the offline window: sign in again and sync before any case shows again."""

from mobile_app.services.security.account import AccountService
from mobile_app.services.sync.offline_window import OfflineWindow
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import ScreenFlow
from mobile_app.ui.flows.sync import SyncFlow


class RenewFlow(ScreenFlow):
    """Past the offline window: sign in again, then sync, before any case is shown again."""

    def __init__(self, app: AppController, sync: SyncFlow) -> None:
        self._app = app
        self._sync = sync

    @property
    def window(self) -> OfflineWindow:
        """How long this device may go without a sync, and how long it has."""
        return self._app.window

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
