"""The storage interface for sign-in limits and withdrawn devices' wipe confirmations.

Sign-in counters live in the database, not in memory, so a server restart does not clear a
lockout. Keys are hashes (`user:<sha256>`, `addr:<sha256>`), never the typed username.
Times are fixed-width UTC stamps (`2025-03-01T09:00:00.000000Z`) so they compare as text.
"""

from contextlib import AbstractContextManager
from typing import NamedTuple, Protocol


class SignInLock(NamedTuple):
    """A username's failures in a row since its last success or lockout, and any lockout."""

    consecutive: int = 0
    locked_until: str | None = None


class FailureWindow(NamedTuple):
    """The failures of one key inside the window: how many, and the oldest one's time."""

    failures: int
    oldest: str | None


class TokenDevice(NamedTuple):
    """The device a token hash belongs to, live or revoked."""

    device_id: str
    practitioner_id: str
    revoked_at: str | None


class DeviceWipe(NamedTuple):
    """A withdrawn device's confirmation that it destroyed its keys and data."""

    device_id: str
    confirmed_at: str
    unsynced_records: int
    unfinished_drafts: int


class SignInCounterQueries(Protocol):
    """Failed sign-ins per key, and each username's run of failures and lockout."""

    def transaction(self) -> AbstractContextManager[None]:
        """Open a write transaction; nested calls join the outer one (as a savepoint)."""
        ...

    def signin_failures(self, key: str, since: str) -> FailureWindow:
        """Return the key's failures after `since`."""
        ...

    def add_signin_failure(self, key: str, at: str) -> int:
        """Count one failure of the key; return its id, so it can be taken back."""
        ...

    def drop_signin_failure(self, failure_id: int) -> None:
        """Take back one counted failure."""
        ...

    def prune_signin_failures(self, before: str) -> None:
        """Forget every failure at or before `before`: none of them counts any more."""
        ...

    def signin_lock(self, user_key: str) -> SignInLock:
        """Return the username's run of failures and lockout (zero and none when unknown)."""
        ...

    def put_signin_lock(self, user_key: str, lock: SignInLock) -> None:
        """Store the username's run of failures and lockout."""
        ...

    def forget_signin_user(self, user_key: str) -> None:
        """Forget the username's failures, run and lockout (after a good sign-in)."""
        ...


class DeviceWipeQueries(Protocol):
    """Withdrawn devices confirming their wipe."""

    def token_device(self, token_hash: str) -> TokenDevice | None:
        """Return the device holding this token hash, revoked or not, or None if none does."""
        ...

    def confirm_device_wipe(self, wipe: DeviceWipe) -> bool:
        """Record a revoked device's wipe; return False (changing nothing) when it already is
        recorded or the device is not revoked."""
        ...

    def device_wipes(self, device_ids: list[str]) -> dict[str, DeviceWipe]:
        """Return the recorded wipes of these devices."""
        ...


class SecurityQueries(SignInCounterQueries, DeviceWipeQueries, Protocol):
    """Sign-in counters and wipe confirmations."""
