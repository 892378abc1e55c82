"""What a device can tell its user without the server: who, where, what waits, when last synced."""

from dataclasses import asdict, dataclass
from typing import Any

from mobile_app.services.security.account import AccountService
from mobile_app.services.sync.device_clock import device_clock_warning
from mobile_app.services.sync.sync_settings import LAST_SYNC_SETTING
from mobile_app.store import DeviceStore, SyncState


@dataclass(frozen=True)
class DeviceStatus:
    """A snapshot of this device's sync state."""

    signed_in_as: str
    server_url: str
    pending: int
    conflicts: int
    rejected: int
    set_aside: int  # damaged copies set aside and not yet restored
    held_back: int  # not sent: the server kept failing on them
    cursor: int
    last_sync_at: str | None
    clock_warning: str | None = None  # the phone's clock is wrong (V1), in plain words

    def as_dict(self) -> dict[str, Any]:
        """Return the status as plain values."""
        return asdict(self)


def device_status(store: DeviceStore) -> DeviceStatus:
    """Read the device's status from its store."""
    session = AccountService(store).session()
    states = [row.state for row in store.records.rows()]
    last = store.settings.get(LAST_SYNC_SETTING)
    return DeviceStatus(
        signed_in_as=session.practitioner.username,
        server_url=session.server_url,
        pending=store.outbox.count(),
        conflicts=states.count(SyncState.CONFLICT),
        rejected=states.count(SyncState.REJECTED),
        set_aside=sum(not e.restored for e in store.records.quarantine.entries()),
        held_back=len(store.outbox.held()),
        cursor=store.cursor.get(),
        last_sync_at=str(last) if last is not None else None,
        clock_warning=device_clock_warning(store),
    )
