"""The offline window: past `offline_window_days` without a completed sync, the app asks for a
fresh sign-in and a sync before it shows any case again (docs/domain.md, Governance: a cache limited
to a rolling window).

The window runs from the later of two sealed settings: the last completed sync (written by
SyncService, whoever ran it) and the moment this app last saw one complete, by its own clock.
A device that has never synced starts its window the first time the app checks it. Nothing is
deleted when the window closes: drafts and the outbox wait for the sync that reopens it.
"""

from datetime import datetime, timedelta

from mobile_app.services.security.lock import Clock
from mobile_app.services.sync.sync_settings import LAST_SYNC_SETTING
from mobile_app.store import DeviceStore

WINDOW_SETTING = "offline_window_from"


def _read(store: DeviceStore, key: str) -> datetime | None:
    value = store.settings.get(key)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class OfflineWindow:
    """Says when this device has gone too long without a sync; the clock is injectable."""

    def __init__(self, days: int, clock: Clock) -> None:
        self.days = days
        self._clock = clock
        self._from: datetime | None = None

    def load(self, store: DeviceStore) -> None:
        """Read when the window started (starting it now on a device that never synced)."""
        found = [d for d in (_read(store, LAST_SYNC_SETTING), _read(store, WINDOW_SETTING)) if d]
        if found:
            self._from = max(found)
        else:
            self.restart(store)

    def restart(self, store: DeviceStore) -> None:
        """A sync completed: the window starts again now."""
        self._from = self._clock()
        store.settings.put(WINDOW_SETTING, self._from.isoformat())

    def forget(self) -> None:
        """The store was locked: nothing is known until it is loaded again."""
        self._from = None

    def days_offline(self) -> int:
        """Whole days since the window started (0 when not loaded)."""
        if self._from is None:
            return 0
        return (self._clock() - self._from).days

    def is_closed(self) -> bool:
        """True when the device has gone longer than the window without a sync."""
        if self._from is None:
            return False
        return self._clock() - self._from > timedelta(days=self.days)
