"""Signing this device in to a server, and the session it keeps (sealed in the store)."""

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from mobile_app.errors import NotSignedIn, StoreError
from mobile_app.services.security.wipe import count_unsynced
from mobile_app.store import DeviceStore
from shared.models import Practitioner

if TYPE_CHECKING:  # the HTTP client loads when a command talks to the server, not before
    import httpx

    from mobile_app.sync_client import SyncClient

_SESSION = "session"


class ServerSession(BaseModel):
    """Who this device is signed in as, where, and with which device token."""

    model_config = ConfigDict(frozen=True)

    server_url: str
    device_id: str
    token: str
    practitioner: Practitioner


class AccountService:
    """Signs in and hands out the session; the token never leaves the sealed store otherwise."""

    def __init__(self, store: DeviceStore, transport: "httpx.BaseTransport | None" = None) -> None:
        self._store = store
        self._transport = transport

    def sign_in(
        self, server_url: str, username: str, password: str, device_name: str
    ) -> Practitioner:
        """Sign in to the server and keep the device token sealed in the store."""
        from mobile_app.sync_client import SyncClient  # noqa: PLC0415 (start-up time)

        with SyncClient(server_url, transport=self._transport) as client:
            answer = client.login(username, password, device_name)
        self._refuse_if_another_users_work_waits(answer.practitioner)
        session = ServerSession(
            server_url=server_url,
            device_id=answer.device_id,
            token=answer.token,
            practitioner=answer.practitioner,
        )
        self._store.settings.put(_SESSION, session.model_dump(mode="json"))
        return answer.practitioner

    def _refuse_if_another_users_work_waits(self, newcomer: Practitioner) -> None:
        # Another user's unsent versions would be pushed under the newcomer's token, and their
        # drafts read by them: a device changes hands only once its work has reached the server.
        stored = self._store.settings.get(_SESSION)
        if stored is None:
            return
        previous = ServerSession.model_validate(stored).practitioner
        work = count_unsynced(self._store.db)
        waiting = work.unsynced + work.drafts
        if previous.id != newcomer.id and waiting:
            raise StoreError(
                f"This device holds {waiting} unsynced item(s) of {previous.username}. "
                f"{previous.username} must sign in and sync them before anyone else signs in."
            )

    def session(self) -> ServerSession:
        """Return the current session; raises NotSignedIn if there is none."""
        stored = self._store.settings.get(_SESSION)
        if stored is None:
            raise NotSignedIn("This device is not signed in: sign in to the server first.")
        return ServerSession.model_validate(stored)

    def client(self) -> "SyncClient":
        """Return a client for the signed-in server, carrying this device's token."""
        from mobile_app.sync_client import SyncClient  # noqa: PLC0415 (start-up time)

        session = self.session()
        return SyncClient(session.server_url, token=session.token, transport=self._transport)
