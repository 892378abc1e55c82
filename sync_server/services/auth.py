"""Sign-in and device tokens: a token per device, stored only as its sha256."""

import hashlib
import math
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio.to_thread
from pydantic import TypeAdapter

from shared.clock import iso, utc_now
from shared.ids import new_id
from shared.models import Practitioner
from shared.protocol import LoginRequest, LoginResponse
from sync_server.config import Settings
from sync_server.errors import (
    DeviceRevoked,
    InvalidCredentials,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
)
from sync_server.repository import DeviceRecord, Repository
from sync_server.repository.interface import DeviceListing
from sync_server.services.audit import AuditAction, AuditTrail
from sync_server.services.bodies import decode
from sync_server.services.passwords import PasswordHasher

LOGIN_REQUEST = TypeAdapter(LoginRequest)
# last_seen_at is a hint for people reviewing devices, not worth a write on every request
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Session:
    """Who is calling, from which device."""

    practitioner: Practitioner
    device_id: str


def token_hash(token: str) -> str:
    """Return the hex sha256 of a device token: the only form the server keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """How many failed sign-ins are allowed, and for how long an account is then locked."""

    window: timedelta = timedelta(minutes=5)
    max_failures_per_username: int = 5
    max_failures_per_address: int = 20
    lockout_after: int = 10
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> "SignInLimits":
        """Return the limits the settings ask for."""
        return cls(
            timedelta(seconds=settings.signin_window_seconds),
            settings.signin_max_failures_per_username,
            settings.signin_max_failures_per_address,
            settings.signin_lockout_after,
            timedelta(seconds=settings.signin_lockout_seconds),
        )


def _seconds_until(moment: datetime, now: datetime) -> int:
    return math.ceil((moment - now).total_seconds())


class SignInGuard:
    """Count failed sign-ins per username and per client address; refuse when over the limits.

    Kept in memory (the server is one process): a restart forgets the counts. Usernames are
    kept only as their sha256, so the attempted text never sits in memory longer than a request.
    """

    def __init__(self, limits: SignInLimits, clock: Callable[[], datetime] = utc_now) -> None:
        self._limits = limits
        self._clock = clock
        self._failures: dict[str, deque[datetime]] = {}
        self._consecutive: dict[str, int] = {}
        self._locked_until: dict[str, datetime] = {}

    @staticmethod
    def _keys(username: str, address: str | None) -> tuple[str, str | None]:
        user_key = "user:" + hashlib.sha256(username.encode()).hexdigest()
        return user_key, ("addr:" + address if address else None)

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self._limits.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def check(self, username: str, address: str | None) -> None:
        """Refuse a sign-in attempt while the username is locked or either count is full.

        Raises:
            TooManyRequests: with the seconds to wait.
        """
        now = self._clock()
        user_key, address_key = self._keys(username, address)
        locked_until = self._locked_until.get(user_key)
        if locked_until is not None:
            if locked_until > now:
                raise TooManyRequests(_seconds_until(locked_until, now))
            del self._locked_until[user_key]
        limits = ((user_key, self._limits.max_failures_per_username),
                  (address_key, self._limits.max_failures_per_address))  # fmt: skip
        for key, limit in limits:
            times = self._recent(key, now) if key else deque()
            if len(times) >= limit:
                raise TooManyRequests(_seconds_until(times[0] + self._limits.window, now))

    def failed(self, username: str, address: str | None) -> datetime:
        """Count one failed sign-in (or one about to be checked); lock the username after too
        many in a row. Returns the time counted, for `succeeded` to take back."""
        now = self._clock()
        user_key, address_key = self._keys(username, address)
        for key in (user_key, address_key):
            if key:
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)
        consecutive = self._consecutive.get(user_key, 0) + 1
        if consecutive >= self._limits.lockout_after:
            self._locked_until[user_key] = now + self._limits.lockout
            consecutive = 0
        self._consecutive[user_key] = consecutive
        return now

    def succeeded(
        self, username: str, address: str | None = None, counted: datetime | None = None
    ) -> None:
        """Forget the username's failures, and take back this attempt's count on the address
        (not the address's others: one good account must not reset an address trying many)."""
        user_key, address_key = self._keys(username, address)
        if address_key and counted is not None:
            times = self._failures.get(address_key)
            if times is not None and counted in times:
                times.remove(counted)
        self._failures.pop(user_key, None)
        self._consecutive.pop(user_key, None)
        self._locked_until.pop(user_key, None)


class AuthService:
    """Sign practitioners in, recognise their devices' tokens, revoke devices."""

    def __init__(
        self,
        repository: Repository,
        hasher: PasswordHasher,
        audit: AuditTrail,
        clock: Callable[[], datetime] = utc_now,
        limits: SignInLimits | None = None,
    ) -> None:
        self._repository = repository
        self._hasher = hasher
        self._audit = audit
        self._clock = clock
        self._guard = SignInGuard(limits or SignInLimits(), clock)
        # Unknown usernames are checked against this, so both failures cost the same time.
        self._decoy_hash = hasher.hash(secrets.token_urlsafe(16))

    def add_practitioner(self, practitioner: Practitioner, password: str) -> None:
        """Store a practitioner who signs in with password."""
        self._repository.add_practitioner(
            practitioner, self._hasher.hash(password), iso(self._clock())
        )

    async def login(self, body: bytes, address: str | None = None) -> LoginResponse:
        """Check a LoginRequest body from a client address; return a fresh device token.

        Raises:
            InvalidJson, ValidationFailed: the body is not a LoginRequest.
            TooManyRequests: too many recent failures for this username or address.
            InvalidCredentials: the username or the password is wrong (same for both), or the
                practitioner's access was revoked.
        """
        request = decode(LOGIN_REQUEST, body)
        found = self._repository.practitioner_login(request.username)
        # The attempted username is never audited: it could be a person's name typed wrongly.
        actor = found[0].id if found else None
        try:
            self._guard.check(request.username, address)
        except TooManyRequests:
            self._audit.record(AuditAction.LOGIN_THROTTLED, actor, None)
            raise
        phc = found[1] if found else self._decoy_hash
        # Argon2 is deliberately slow: keep it off the event loop.
        # Counted before the slow check, taken back on success: attempts sent in parallel
        # cannot all slip past check() while the first is still being verified.
        counted = self._guard.failed(request.username, address)
        ok = await anyio.to_thread.run_sync(self._hasher.verify, request.password, phc)
        if found is None or not ok or self._repository.practitioner_revoked(found[0].id):
            self._audit.record(AuditAction.LOGIN_FAILED, actor, None)
            raise InvalidCredentials()
        self._guard.succeeded(request.username, address, counted)
        practitioner = found[0]
        token = secrets.token_urlsafe(32)
        device = DeviceRecord(
            id=new_id(),
            practitioner_id=practitioner.id,
            name=request.device_name,
            token_hash=token_hash(token),
            created_at=iso(self._clock()),
        )
        self._repository.add_device(device)
        self._audit.record(AuditAction.LOGIN, practitioner.id, device.id)
        return LoginResponse(token=token, device_id=device.id, practitioner=practitioner)

    def authenticate(self, authorization: str | None) -> Session:
        """Return the session for an `Authorization: Bearer <token>` header value.

        Raises:
            NotAuthenticated: the header is missing or malformed, or the token is unknown.
            DeviceRevoked: the token's device was revoked by an administrator.
        """
        scheme, _, token = (authorization or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated()
        hashed = token_hash(token)
        found = self._repository.device_session(hashed)
        if found is None:
            if self._repository.revoked_token(hashed):
                raise DeviceRevoked()
            raise NotAuthenticated()
        now = self._clock()
        last_seen = datetime.fromisoformat(found.last_seen_at) if found.last_seen_at else None
        if last_seen is None or now - last_seen > TOUCH_INTERVAL:
            self._repository.touch_device(found.device_id, iso(now))
        return Session(found.practitioner, found.device_id)

    def revoke_device(self, device_id: str, revoked_by: str | None = None) -> bool:
        """Revoke a device: its token stops working at once. Return False if none was live."""
        revoked = self._repository.revoke_device(device_id, iso(self._clock()))
        if revoked:
            self._audit.record(
                AuditAction.DEVICE_REVOKED,
                revoked_by,
                None,
                subject_type="device",
                subject_id=device_id,
            )
        return revoked

    def revoke_practitioner(self, username: str, revoked_by: str | None = None) -> list[str]:
        """Refuse a practitioner's sign-in and revoke all their devices; return those ids.

        Raises:
            NotFound: there is no practitioner with this username.
        """
        found = self._repository.practitioner_login(username)
        if found is None:
            raise NotFound("username: no practitioner has this username")
        practitioner_id = found[0].id
        with self._repository.transaction():
            revoked = self._repository.revoke_practitioner(practitioner_id, iso(self._clock()))
            self._audit.record(
                AuditAction.PRACTITIONER_REVOKED,
                revoked_by,
                None,
                subject_type="practitioner",
                subject_id=practitioner_id,
            )
            for device_id in revoked:
                self._audit.record(
                    AuditAction.DEVICE_REVOKED,
                    revoked_by,
                    None,
                    subject_type="device",
                    subject_id=device_id,
                )
        return revoked

    def devices(self, username: str | None = None) -> list[DeviceListing]:
        """Return every device, or one practitioner's, for an administrator to review.

        Raises:
            NotFound: a username was given and no practitioner has it.
        """
        practitioner_id = None
        if username is not None:
            found = self._repository.practitioner_login(username)
            if found is None:
                raise NotFound("username: no practitioner has this username")
            practitioner_id = found[0].id
        listing = self._repository.devices(practitioner_id)
        self._audit.record(
            AuditAction.DEVICES_LISTED,
            None,
            None,
            subject_type="practitioner" if practitioner_id else None,
            subject_id=practitioner_id,
        )
        return listing
