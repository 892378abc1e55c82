"""Sign-in and device tokens: a token per device, stored only as its sha256."""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio.to_thread
from pydantic import TypeAdapter

from shared.clock import iso, utc_now
from shared.device_wipe import WipeConfirmation, WipeConfirmed
from shared.ids import new_id
from shared.models import Practitioner
from shared.protocol import LoginRequest, LoginResponse
from sync_server.errors import (
    DeviceRevoked,
    Forbidden,
    InvalidCredentials,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
)
from sync_server.repository import DeviceRecord, Repository
from sync_server.repository.interface import DeviceListing
from sync_server.repository.security_queries import DeviceWipe
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.passwords import PasswordHasher
from sync_server.services.access.signin_guard import SignInGuard, SignInLimits
from sync_server.services.sync.bodies import decode

__all__ = ["AuthService", "Session", "SignInLimits", "token_hash"]

LOGIN_REQUEST = TypeAdapter(LoginRequest)
WIPE_CONFIRMATION = TypeAdapter(WipeConfirmation)
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


def _bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated()
    return token


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
        self._guard = SignInGuard(repository, limits or SignInLimits(), clock)
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
        practitioner = await self.check_password(request.username, request.password, address)
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

    async def check_password(
        self, username: str, password: str, address: str | None = None
    ) -> Practitioner:
        """Return the practitioner whose password this is, under the sign-in limits (a login,
        or a supervisor countersigning in person on a team member's device).

        Raises:
            TooManyRequests: too many recent failures for this username or address.
            InvalidCredentials: the username or the password is wrong (same for both), or the
                practitioner's access was revoked.
        """
        found = self._repository.practitioner_login(username)
        # The attempted username is never audited: it could be a person's name typed wrongly.
        actor = found[0].id if found else None
        try:
            # Counted before the slow check, taken back on success: attempts sent in parallel
            # cannot all slip past the limit while the first is still being verified.
            counted = self._guard.admit(username, address)
        except TooManyRequests:
            self._audit.record(AuditAction.LOGIN_THROTTLED, actor, None)
            raise
        phc = found[1] if found else self._decoy_hash
        # Argon2 is deliberately slow: keep it off the event loop.
        ok = await anyio.to_thread.run_sync(self._hasher.verify, password, phc)
        if found is None or not ok or self._repository.practitioner_revoked(found[0].id):
            self._audit.record(AuditAction.LOGIN_FAILED, actor, None)
            raise InvalidCredentials()
        self._guard.succeeded(username, address, counted)
        return found[0]

    def authenticate(self, authorization: str | None) -> Session:
        """Return the session for an `Authorization: Bearer <token>` header value.

        Raises:
            NotAuthenticated: the header is missing or malformed, or the token is unknown.
            DeviceRevoked: the token's device was revoked by an administrator.
        """
        hashed = token_hash(_bearer_token(authorization))
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

    def confirm_wipe(self, authorization: str | None, device_id: str, body: bytes) -> WipeConfirmed:
        """Record that a revoked device destroyed its keys and data (a WipeConfirmation body
        from the device's own, revoked, token); a replay changes nothing and answers the first.

        Raises:
            NotAuthenticated: the header is missing or malformed, or the token was never
                issued or is another device's.
            Forbidden: the device is not revoked: only a withdrawn device confirms a wipe.
            InvalidJson, ValidationFailed: the body is not a WipeConfirmation.
        """
        device = self._repository.token_device(token_hash(_bearer_token(authorization)))
        if device is None or not hmac.compare_digest(device.device_id.encode(), device_id.encode()):
            raise NotAuthenticated()
        if device.revoked_at is None:
            raise Forbidden("Only a withdrawn device confirms a wipe; this one is not withdrawn.")
        report = decode(WIPE_CONFIRMATION, body)
        wipe = DeviceWipe(
            device.device_id,
            iso(self._clock()),
            report.unsynced_records,
            report.unfinished_drafts,
        )
        with self._repository.transaction():
            if self._repository.confirm_device_wipe(wipe):
                self._audit.record(
                    AuditAction.DEVICE_WIPE_CONFIRMED,
                    device.practitioner_id,
                    device.device_id,
                    subject_type="device",
                    subject_id=device.device_id,
                )
            else:
                wipe = self._repository.device_wipes([device.device_id])[device.device_id]
        return WipeConfirmed(
            device_id=wipe.device_id,
            confirmed_at=wipe.confirmed_at,
            unsynced_records=wipe.unsynced_records,
            unfinished_drafts=wipe.unfinished_drafts,
        )

    def wipes(self, device_ids: list[str]) -> dict[str, DeviceWipe]:
        """Return the confirmed wipes among these devices, for an administrator's review."""
        return self._repository.device_wipes(device_ids)

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
