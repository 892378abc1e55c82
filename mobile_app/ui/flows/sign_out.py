"""Signing out, so a shared or reissued phone can change hands.

Signing out erases this device (keys, then data: services.wipe), so the next person sets up
their own passphrase and sees nothing of the last person's caseload. Work that has not reached
the server is checked first. Finalised records still waiting to be sent refuse the sign-out
until they are synced: they are part of a child's record, and a manager would never want one
destroyed by a sign-out (a device that cannot sync is withdrawn by the organisation, which the
server audits). Unfinished drafts are the author's to abandon, as discarding one is: they are
named on a second confirmation before anything is erased.
"""

import asyncio

from mobile_app.errors import MobileError
from mobile_app.services.security.wipe import WipeReport, count_unsynced, wipe_device
from mobile_app.ui.flows.base import HubFlow
from mobile_app.ui.state import SETUP, SIGN_OUT

SIGNED_OUT = (
    "Signed out. Nothing of the caseload is left on this device. The next person sets up "
    "their own passphrase, then signs in."
)


def plural(count: int, word: str) -> str:
    """'1 draft', '2 drafts'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class SignOutFlow(HubFlow):
    """Shows what signing out would lose, and signs out only when that is nothing or agreed."""

    def open(self) -> None:
        """Show the sign-out check."""
        self._app.state.go(SIGN_OUT)

    def waiting(self) -> WipeReport:
        """The work on this device that has not reached the server (none once the device is
        locked or erased: the screen is on its way out)."""
        if not self._app.device.unlocked:
            return WipeReport()
        return count_unsynced(self._app.store.db)

    async def sign_out(self, drafts_agreed: int = 0) -> None:
        """Erase this device and show the set-up for the next person; refused while finalised
        records wait to be sent, or while more drafts wait than the person agreed to lose."""
        app = self._app
        if app.state.sync.running:
            raise MobileError("A sync is running: wait for it to finish, then sign out.")
        work = self.waiting()
        if work.unsynced:
            raise MobileError(
                f"{plural(work.unsynced, 'record')} you finalised {_have(work.unsynced)} not "
                "reached the server. Sync before you sign out."
            )
        if work.drafts > drafts_agreed:
            raise MobileError(
                f"{plural(work.drafts, 'unfinished draft')} would be lost: read the warning, "
                "then choose again."
            )
        app.state.working("Signing out…")
        app.lock()
        report = await asyncio.to_thread(wipe_device, app.config.data_dir, app.device.secrets)
        app.state.forget_resume()
        app.state.go(SETUP, f"{SIGNED_OUT} {report.lost()}")


def _have(count: int) -> str:
    return "has" if count == 1 else "have"
