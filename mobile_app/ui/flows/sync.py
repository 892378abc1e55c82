"""Sync in the background: the screen stays usable while records go up and come down."""

import asyncio
import logging

from mobile_app.diagnostics import log_failure
from mobile_app.services.sync.background_sync import BackgroundSync, SyncOutcome
from mobile_app.services.sync.set_aside import restore_server_copies, retry_held
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import ScreenFlow
from mobile_app.ui.state import SIGN_IN

log = logging.getLogger(__name__)

PHASES = {"push": "Sending", "pull": "Receiving"}
STOPPED = SyncOutcome(
    "failed",
    "Sync stopped unexpectedly. Your records are kept on this device and will sync later.",
)


class SyncFlow(ScreenFlow):
    """Starts one sync at a time on a worker thread and reports its progress and outcome."""

    def __init__(self, app: AppController) -> None:
        self._app = app
        self._state = app.state
        self._runner = BackgroundSync(
            app.device,
            transport=app.config.transport,
            hold_after=app.config.profile.push_tries_before_set_aside,
        )

    async def run(self, *, renewing: bool = False) -> SyncOutcome | None:
        """Sync now unless a sync is already running or the app is locked; returns the outcome.

        Past the offline window only the sign-in on the sync-needed screen may sync
        (`renewing`): a background sync must not stand in for the person signing in again.
        """
        if self._state.sync.running or not self._app.device.unlocked:
            return None
        if self._app.expired and not renewing:
            return None
        self._state.sync_started()
        loop = asyncio.get_running_loop()

        def progress(phase: str, done: int, total: int) -> None:
            # Called on the worker thread: state changes belong to the UI loop.
            loop.call_soon_threadsafe(
                self._state.sync_progress, PHASES.get(phase, phase), done, total
            )

        try:
            outcome = await asyncio.to_thread(self._runner.run, progress)
        except Exception as exc:
            log_failure(log, "Sync", exc)
            outcome = STOPPED
        self._state.sync_finished(outcome)
        if not self._app.device.unlocked:
            return outcome
        if outcome.state == "done":
            self._app.window.restart(self._app.store)
        if not self._app.expired:  # the sync-needed screen shows no case and decides itself
            self._app.refresh()
            if outcome.needs_sign_in:
                self._state.go(SIGN_IN, outcome.message)
        return outcome

    async def restore(self) -> None:
        """Fetch the server's copies of damaged records again, with a sync now."""
        restore_server_copies(self._app.store)
        self._app.refresh()
        await self.run()

    async def retry(self) -> None:
        """Send records the server kept failing on again, with a sync now."""
        retry_held(self._app.store)
        self._app.refresh()
        await self.run()

    async def connectivity(self, online: bool) -> None:
        """The device's network changed: show it, and sync when it comes back."""
        self._state.connectivity(online)
        if online:
            await self.run()
