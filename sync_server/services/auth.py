"""Sign-in and device tokens: a token per device, stored only as its sha256."""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio.to_thread
from pydantic import TypeAdapter

from shared.clock import iso, utc_now
from shared.ids import new_id
from shared.models import Practitioner
from shared.protocol import LoginRequest, LoginResponse
from sync_server.errors import InvalidCredentials, NotAuthenticated
from sync_server.repository import DeviceRecord, Repository
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


class AuthService:
    """Sign practitioners in, recognise their devices' tokens, revoke devices."""

    def __init__(
        self,
        repository: Repository,
        hasher: PasswordHasher,
        audit: AuditTrail,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._hasher = hasher
        self._audit = audit
        self._clock = clock
        # Unknown usernames are checked against this, so both failures cost the same time.
        self._decoy_hash = hasher.hash(secrets.token_urlsafe(16))

    def add_practitioner(self, practitioner: Practitioner, password: str) -> None:
        """Store a practitioner who signs in with password."""
        self._repository.add_practitioner(
            practitioner, self._hasher.hash(password), iso(self._clock())
        )

    async def login(self, body: bytes) -> LoginResponse:
        """Check a LoginRequest body and return a fresh token for the device.

        Raises:
            InvalidJson, ValidationFailed: the body is not a LoginRequest.
            InvalidCredentials: the username or the password is wrong (same for both).
        """
        request = decode(LOGIN_REQUEST, body)
        found = self._repository.practitioner_login(request.username)
        phc = found[1] if found else self._decoy_hash
        # Argon2 is deliberately slow: keep it off the event loop.
        ok = await anyio.to_thread.run_sync(self._hasher.verify, request.password, phc)
        if found is None or not ok:
            actor = found[0].id if found else None
            self._audit.record(AuditAction.LOGIN_FAILED, actor, None)
            raise InvalidCredentials()
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
            NotAuthenticated: the header is missing or malformed, or the token is unknown
                or revoked.
        """
        scheme, _, token = (authorization or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated()
        found = self._repository.device_session(token_hash(token))
        if found is None:
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
