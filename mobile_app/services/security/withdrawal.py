"""A withdrawn device tells the server, once its keys and data are gone, that it wiped itself.

The order is fixed: note where to report and what is about to be lost (the session is sealed
in the store, so it must be read before the wipe), erase, then report. The report is best
effort and tried once: the device has already erased everything, its token was only ever in
the erased store, and it cannot sign in again as this device. If the network drops, the server
keeps showing the device as revoked with no wipe confirmed, which is the truth it can know.
"""

from dataclasses import dataclass

import httpx

from mobile_app.errors import MobileError, SyncError
from mobile_app.services.security.account import AccountService
from mobile_app.services.security.wipe import WipeReport, count_unsynced
from mobile_app.store import DeviceStore
from mobile_app.sync_client import SyncClient
from shared.device_wipe import WipeConfirmation

# Short: the person is waiting to be told their device was erased.
CONFIRM_TIMEOUT_S = 10.0
TOLD = "Your organisation has been told this device's data is gone."
NOT_TOLD = "Your organisation could not be told this device's data is gone; tell your IT team."


@dataclass(frozen=True, repr=False)
class Withdrawal:
    """Where to confirm the wipe, as which device, and the unsynced work it loses.

    The token is revoked already (it opens nothing else); repr leaves it out all the same.
    """

    server_url: str
    device_id: str
    token: str
    lost: WipeReport


def note_withdrawal(store: DeviceStore) -> Withdrawal | None:
    """Read, before the wipe, what confirming it needs; None when the device never signed in."""
    try:
        session = AccountService(store).session()
    except MobileError:
        return None
    return Withdrawal(
        session.server_url, session.device_id, session.token, count_unsynced(store.db)
    )


def confirm_wipe(
    withdrawal: Withdrawal | None,
    transport: httpx.BaseTransport | None = None,
    timeout_s: float = CONFIRM_TIMEOUT_S,
) -> bool:
    """Tell the server the device's keys and data are destroyed (one try; never raises).

    Args:
        withdrawal: what note_withdrawal read before the wipe.
        transport: the pinned transport the sync used, so the token goes only to our server.
        timeout_s: how long to wait for the server.

    Returns:
        True when the server recorded (or had already recorded) the wipe.
    """
    if withdrawal is None:
        return False
    lost = WipeConfirmation(
        unsynced_records=withdrawal.lost.unsynced, unfinished_drafts=withdrawal.lost.drafts
    )
    try:
        with SyncClient(withdrawal.server_url, withdrawal.token, timeout_s, transport) as client:
            client.confirm_wipe(withdrawal.device_id, lost)
    except SyncError:
        return False
    return True
