"""Sign-in rate limits and lockout, counted in the server's database so a restart keeps them.

Failures are counted per username and per client address in a sliding window; a run of
failures in a row locks the username for a while. An attempt is counted *before* its slow
password check (`admit`), inside one write transaction with the check, so attempts sent in
parallel - or to two server processes over one database - cannot all slip past the limit.
Usernames and addresses are kept only as an HMAC-SHA256 under a key kept outside the database:
the typed text (a password typed as a username, too) is never stored, and a copied database
cannot be searched for a name or an address.
"""

import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.clock import utc_now
from sync_server.config import Settings
from sync_server.errors import TooManyRequests
from sync_server.repository.security_queries import SignInCounterQueries, SignInLock
from sync_server.services.access.server_keys import load_or_create_key


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """How many failed sign-ins are allowed, and for how long an account is then locked."""

    window: timedelta = timedelta(minutes=5)
    max_failures_per_username: int = 5
    max_failures_per_address: int = 20
    lockout_after: int = 10
    lockout: timedelta = timedelta(minutes=15)
    key: bytes = field(default=b"", repr=False)  # keys the stored digests

    @classmethod
    def from_settings(cls, settings: Settings) -> "SignInLimits":
        """Return the limits the settings ask for."""
        return cls(
            timedelta(seconds=settings.signin_window_seconds),
            settings.signin_max_failures_per_username,
            settings.signin_max_failures_per_address,
            settings.signin_lockout_after,
            timedelta(seconds=settings.signin_lockout_seconds),
            load_or_create_key(settings.signin_key_file),
        )


def stamp(moment: datetime) -> str:
    """Return a fixed-width UTC stamp: stamps sort as text in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _seconds_until(moment: datetime, now: datetime) -> int:
    return math.ceil((moment - now).total_seconds())


def _keys(key: bytes, username: str, address: str | None) -> tuple[str, str | None]:
    def digest(text: str) -> str:
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    return "user:" + digest(username), ("addr:" + digest(address) if address else None)


class SignInGuard:
    """Count failed sign-ins per username and per client address; refuse when over the limits."""

    def __init__(
        self,
        counters: SignInCounterQueries,
        limits: SignInLimits,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._counters = counters
        self._limits = limits
        self._clock = clock

    def admit(self, username: str, address: str | None) -> int | None:
        """Check and count one attempt in one transaction; return the address count's id for
        `succeeded` to take back.

        Raises:
            TooManyRequests: the username is locked or a count is full; nothing was counted.
        """
        with self._counters.transaction():
            self.check(username, address)
            return self.failed(username, address)

    def check(self, username: str, address: str | None) -> None:
        """Refuse a sign-in attempt while the username is locked or either count is full.

        Raises:
            TooManyRequests: with the seconds to wait.
        """
        now = self._clock()
        user_key, address_key = _keys(self._limits.key, username, address)
        locked_until = self._counters.signin_lock(user_key).locked_until
        if locked_until is not None and datetime.fromisoformat(locked_until) > now:
            raise TooManyRequests(_seconds_until(datetime.fromisoformat(locked_until), now))
        since = stamp(now - self._limits.window)
        limits = ((user_key, self._limits.max_failures_per_username),
                  (address_key, self._limits.max_failures_per_address))  # fmt: skip
        for key, limit in limits:
            if key is None:
                continue
            window = self._counters.signin_failures(key, since)
            if window.failures >= limit and window.oldest is not None:
                oldest = datetime.fromisoformat(window.oldest)
                raise TooManyRequests(_seconds_until(oldest + self._limits.window, now))

    def failed(self, username: str, address: str | None) -> int | None:
        """Count one failed sign-in (or one about to be checked); lock the username after too
        many in a row. Return the id of the address's count, for `succeeded` to take back."""
        now = self._clock()
        user_key, address_key = _keys(self._limits.key, username, address)
        with self._counters.transaction():
            self._counters.prune_signin_failures(stamp(now - self._limits.window))
            self._counters.add_signin_failure(user_key, stamp(now))
            counted = None
            if address_key is not None:
                counted = self._counters.add_signin_failure(address_key, stamp(now))
            before = self._counters.signin_lock(user_key)
            still_locked = before.locked_until is not None and before.locked_until > stamp(now)
            lock = SignInLock(before.consecutive + 1, before.locked_until if still_locked else None)
            if lock.consecutive >= self._limits.lockout_after:
                lock = SignInLock(0, stamp(now + self._limits.lockout))
            self._counters.put_signin_lock(user_key, lock)
        return counted

    def succeeded(
        self, username: str, address: str | None = None, counted: int | None = None
    ) -> None:
        """Forget the username's failures, and take back this attempt's count on the address
        (not the address's others: one good account must not reset an address trying many)."""
        user_key, _ = _keys(self._limits.key, username, address)
        with self._counters.transaction():
            if address is not None and counted is not None:
                self._counters.drop_signin_failure(counted)
            self._counters.forget_signin_user(user_key)
