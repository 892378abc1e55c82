"""Add a practitioner (an administrator's command), with the server's password rules, audited.

The password is hashed as sign-in verifies it (services/passwords, Argon2id); it is never
logged, audited or echoed. The rules: at least 12 characters (a passphrase is best), at most
the 200 a sign-in request carries, and not containing the username.
"""

from collections.abc import Callable
from datetime import datetime

from pydantic import ValidationError

from shared.clock import iso, utc_now
from shared.ids import new_id
from shared.models import Practitioner
from sync_server.errors import ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.passwords import PasswordHasher
from sync_server.services.caseload.caseload_import import IMPORT_USERNAME
from sync_server.services.caseload.caseload_read import plain

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200  # what a LoginRequest carries (tests hold the two equal)


def password_problem(username: str, password: str) -> str | None:
    """Return why a new password is refused, in plain words, or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters (a passphrase is best)"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if username.casefold() in password.casefold():
        return "must not contain the username"
    return None


class PractitionerService:
    """Add practitioners who can sign in."""

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

    def add(self, details: dict[str, str], password: str) -> Practitioner:
        """Add a practitioner (username, display_name, role, agency, team); return them.

        Raises:
            ValidationFailed: a detail is wrong or taken, or the password breaks a rule.
        """
        try:
            practitioner = Practitioner.model_validate({"id": new_id(), **details})
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            raise self._refused(field, plain(error)) from exc
        username = practitioner.username
        if username == IMPORT_USERNAME or self._repository.practitioner_login(username):
            raise self._refused("username", "is already taken")
        if problem := password_problem(username, password):
            raise self._refused("password", problem)
        phc = self._hasher.hash(password)
        with self._repository.transaction():
            self._repository.add_practitioner(practitioner, phc, iso(self._clock()))
            self._audit.record(
                AuditAction.PRACTITIONER_ADDED,
                None,
                None,
                subject_type="practitioner",
                subject_id=practitioner.id,
            )
        return practitioner

    def _refused(self, field: str, message: str) -> ValidationFailed:
        # Audited without the details: a username may be a person's name typed wrongly.
        self._audit.record(AuditAction.PRACTITIONER_ADD_REFUSED, None, None)
        return ValidationFailed.on(field, message)
