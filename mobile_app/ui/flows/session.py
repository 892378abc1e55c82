"""The device session: set up a passphrase, unlock, sign in, and erase an unopenable device."""

from mobile_app.services.security.session import UnlockStatus
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import ScreenFlow
from mobile_app.ui.flows.sync import SyncFlow


class SessionFlow(ScreenFlow):
    """What the set-up, unlock and sign-in screens ask of the app."""

    def __init__(self, app: AppController, sync: SyncFlow) -> None:
        self._app = app
        self._sync = sync

    def is_set_up(self) -> bool:
        """Whether this device already has a passphrase (else it shows set-up)."""
        return self._app.device.is_set_up()

    def unlock_status(self) -> UnlockStatus | None:
        """The failed tries so far and any wait, or None when there is no keyring."""
        return self._app.device.unlock_status()

    async def set_up(self, passphrase: str, again: str) -> None:
        """Protect this device with a new passphrase, then ask for the server sign-in."""
        await self._app.set_up(passphrase, again)

    async def unlock(self, passphrase: str) -> None:
        """Unlock with the passphrase (a wrong one leaves a plain message)."""
        await self._app.unlock(passphrase)

    def start_again(self) -> None:
        """Show set-up on a new device, else the lock screen."""
        self._app.start()

    def erase_unopenable(self) -> None:
        """Erase a data folder whose device key is gone (it can never be opened again)."""
        self._app.erase_unopenable()

    async def sign_in(self, server_url: str, username: str, password: str) -> None:
        """Sign in, then download the caseload in the background."""
        if await self._app.sign_in(server_url, username, password):
            await self._sync.run()
