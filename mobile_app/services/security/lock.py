"""Auto-lock after inactivity, and the growing waits between failed unlocks."""

import math
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class UnlockBackoff:
    """How failed unlocks are slowed down, and when the device gives up and erases itself.

    The first few wrong passphrases are typos and cost nothing; from `waits_from` on, each
    costs twice the wait of the one before, up to `longest_wait_s`. With the defaults, ten
    tries take about 45 minutes, so guessing on a stolen phone ends in a wipe, not a match.
    """

    max_failed: int = 10
    waits_from: int = 3
    first_wait_s: int = 30
    longest_wait_s: int = 15 * 60

    def wait_after(self, failed: int) -> timedelta:
        """Return how long the next try must wait after this many failed unlocks in a row."""
        if failed < self.waits_from:
            return timedelta(0)
        doublings = min(failed - self.waits_from, 20)
        return timedelta(seconds=min(self.first_wait_s * 2**doublings, self.longest_wait_s))

    def tries_left(self, failed: int) -> int:
        """Return how many wrong passphrases remain before the device erases itself."""
        return max(self.max_failed - failed, 0)


def plain_wait(seconds: float) -> str:
    """Say a wait in whole seconds or minutes, rounded up."""
    whole = max(math.ceil(seconds), 1)
    if whole < 60:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(whole / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
