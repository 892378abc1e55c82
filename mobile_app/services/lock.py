"""Auto-lock: the app locks itself after the inactivity the deployment profile allows."""

from collections.abc import Callable
from datetime import datetime, timedelta

from shared.clock import utc_now

Clock = Callable[[], datetime]


class InactivityLock:
    """Says when the app has gone untouched for too long; the clock is injectable for tests."""

    def __init__(self, minutes: int, clock: Clock = utc_now) -> None:
        self._limit = timedelta(minutes=minutes)
        self._clock = clock
        self._last = clock()

    def touch(self) -> None:
        """Record that the person just used the app."""
        self._last = self._clock()

    def seconds_left(self) -> float:
        """Return how long until the app must lock (0 or less when it is due)."""
        return (self._last + self._limit - self._clock()).total_seconds()

    def is_due(self) -> bool:
        """Return True when the app has been idle for the whole allowed time."""
        return self.seconds_left() <= 0
