"""The phone's clock, corrected by the server's (rule V1).

Every server answer tells its clock (X-Doorstep-Server-Time). After each exchange the device
keeps the difference, sealed in its settings; what it records (a visit's start, the time a
version is written) is stamped on the phone's clock plus that difference, so a phone set two
days fast still records the right time, and the practitioner is told to set the clock right.
A device that has never reached a server has no difference to apply: its clock is used as is.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mobile_app.store import DeviceStore
from shared.clock import utc_now
from shared.rules.event_time import DEFAULT_CLOCK_TOLERANCE

if TYPE_CHECKING:  # only a type here: reading the clock warning needs no HTTP client
    from mobile_app.sync_client import SyncClient

CLOCK_OFFSET_SETTING = "server_clock_offset_seconds"
Clock = Callable[[], datetime]


def learn_offset(store: DeviceStore, client: "SyncClient", clock: Clock = utc_now) -> None:
    """Keep how far the server's clock is ahead of this phone's, from the client's last answer
    (nothing changes when no answer told the server's clock)."""
    told_at = getattr(client, "server_clock", None)  # a stand-in client may not tell one
    if told_at is None:
        return
    told, seen = told_at
    # The phone's clock when the answer came, not now: sealing the store takes time.
    phone_then = clock() - timedelta(seconds=time.monotonic() - seen)
    store.settings.put(CLOCK_OFFSET_SETTING, (told - phone_then).total_seconds())


def clock_offset(store: DeviceStore) -> timedelta:
    """Return the server's clock minus this phone's, as last learned (zero if never)."""
    seconds = store.settings.get(CLOCK_OFFSET_SETTING)
    return timedelta(seconds=seconds) if isinstance(seconds, int | float) else timedelta(0)


def corrected(store: DeviceStore, phone_time: datetime) -> datetime:
    """Return a time read from the phone's clock, corrected by the server's."""
    return phone_time + clock_offset(store)


def corrected_clock(store: DeviceStore, clock: Clock = utc_now) -> Clock:
    """Return `clock` corrected by the server's, for services that stamp what happened now."""
    return lambda: corrected(store, clock())


def _span(gap: timedelta) -> str:
    seconds = abs(gap.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}" + ("" if count == 1 else "s")
    return "a few seconds"


def clock_warning(offset: timedelta, tolerance: timedelta = DEFAULT_CLOCK_TOLERANCE) -> str | None:
    """Say in plain words that the phone's clock is wrong, when it is out by more than the
    tolerance; None when it is right."""
    if abs(offset) <= tolerance:
        return None
    way = "fast" if offset < timedelta(0) else "slow"
    return (
        f"This phone's clock is {_span(offset)} {way}. Times you record are corrected, "
        "but set the clock right in Settings."
    )


def device_clock_warning(store: DeviceStore) -> str | None:
    """The clock warning for this device, from the difference it last learned."""
    return clock_warning(clock_offset(store))
