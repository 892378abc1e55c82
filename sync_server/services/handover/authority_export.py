"""Send a case to another authority's Doorstep server: a signed bundle, and the case closed here.

`python -m sync_server export-transfer CASE_ID --to AUTHORITY --by USERNAME --out FILE`.
The practitioner handing over (`--by`) must hold the case in a role that exports transfer
packs (services/handover/exports.py); the pack is built from what they see. The bundle carries every
stored version of the case, restricted ones included with their restriction rows, so the
receiving server withholds them from the same readers. The file is written whole (0600,
never over an existing file) before the case is closed; if closing fails the file is removed.

Closing a case here: every live allocation of it ends (devices drop it at their next sync),
the bundle sent is recorded, and from then on no push into the case is accepted
(sync.SyncService refuses it with the transfer named) and no allocation of it is made,
until a bundle for it is received back. The stored versions stay, audited.
"""

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.clock import iso, utc_now
from shared.ids import is_id, new_id
from shared.models import Practitioner
from sync_server.errors import NotFound, ValidationFailed
from sync_server.repository import NewVersion, Repository
from sync_server.repository.authority_transfers import SentBundle
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.caseload.allocations import AllocationService
from sync_server.services.handover.authority_keys import public_key_line
from sync_server.services.handover.exports import ExportService
from sync_server.services.handover.transfer_bundle import (
    BundleAuthor,
    BundleBody,
    BundleRestriction,
    BundleVersion,
    seal,
)
from sync_server.services.handover.transfer_pack import case_holders

# Audit rows of work done at the server's console name this in place of a device.
CONSOLE_DEVICE = "server-console"


def bundle_author(practitioner: Practitioner) -> BundleAuthor:
    """Return a practitioner as a bundle names them."""
    return BundleAuthor(
        practitioner_id=practitioner.id,
        name=practitioner.display_name,
        role=practitioner.role.value,
        agency=practitioner.agency.value,
        team=practitioner.team,
    )


def _bundle_version(row: NewVersion) -> BundleVersion:
    return BundleVersion(
        version_id=row.version_id,
        record_id=row.record_id,
        record_type=row.record_type,
        replaces_version_id=row.replaces_version_id,
        case_id=row.case_id,
        author_id=row.author_id,
        author_agency=row.author_agency,
        device_id=row.device_id,
        device_time=row.device_time,
        recorded_at=row.recorded_at,
        content_hash=bytes(row.content_hash).hex(),
        payload=row.payload_json,
    )


def write_new_file(path: Path, data: bytes) -> None:
    """Write data to a new file at path (0600), whole or not at all; never over another.

    Raises:
        ValidationFailed: a file is already at path.
    """
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)
    except FileExistsError:
        raise ValidationFailed.on("out", "a file is already there: name a new file") from None
    finally:
        draft.unlink()


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the administrator asked for."""

    case_id: str
    to_authority: str
    by_username: str
    out: Path


class AuthorityExport:
    """Build, sign and write a case's bundle; close the case here."""

    def __init__(  # noqa: PLR0917 - the wiring of one use case
        self,
        repository: Repository,
        exports: ExportService,
        allocations: AllocationService,
        key: Ed25519PrivateKey,
        authority: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._exports = exports
        self._allocations = allocations
        self._key = key
        self._authority = authority
        self._clock = clock
        self._audit = AuditTrail(repository, clock)

    def export(self, request: ExportRequest) -> SentBundle:
        """Write the case's signed bundle to request.out and close the case; return the record.

        Raises:
            ValidationFailed: the receiving authority is blank or this one, the case was
                already sent, or the file exists.
            NotFound: no such practitioner, or they do not hold the case, or it has no family.
            Forbidden: their role does not export transfer packs.
        """
        case_id, to_authority = request.case_id, request.to_authority.strip()
        if not to_authority or to_authority == self._authority:
            raise ValidationFailed.on("to", "name the authority the family is moving to")
        if not is_id(case_id):
            raise NotFound("There is no case with this id.")
        closed = self._repository.closed_cases([case_id]).get(case_id)
        if closed is not None:
            raise ValidationFailed.on(
                "case_id",
                f"this case was already sent to {closed.to_authority} on {closed.exported_at}",
            )
        found = self._repository.practitioner_login(request.by_username)
        if found is None:
            raise NotFound(f"No practitioner with username {request.by_username!r}.")
        by = found[0]
        body = self._body(Session(by, CONSOLE_DEVICE), case_id, to_authority)
        raw = seal(body, self._key)
        sent = SentBundle(
            body.bundle_id, case_id, to_authority, body.exported_at, by.id,
            hashlib.sha256(raw).hexdigest(), len(body.versions),
        )  # fmt: skip
        write_new_file(request.out, raw)
        try:
            self._close(sent, by, body.transfer_pack.pack_id)
        except BaseException:
            request.out.unlink()  # the case stays open: no bundle may exist for it
            raise
        return sent

    def _body(self, session: Session, case_id: str, to_authority: str) -> BundleBody:
        pack = self._exports.pack_for(session, case_id, None)
        versions = self._repository.case_versions(case_id)
        restrictions = self._repository.restrictions({v.record_id for v in versions})
        authors = self._repository.practitioners({v.author_id for v in versions})
        return BundleBody(
            bundle_id=new_id(),
            case_id=case_id,
            from_authority=self._authority,
            to_authority=to_authority,
            signing_key=public_key_line(self._key.public_key()),
            exported_at=iso(self._clock()),
            exported_by=bundle_author(session.practitioner),
            transfer_pack=pack,
            authors=[bundle_author(p) for p in sorted(authors.values(), key=lambda p: p.id)],
            versions=[_bundle_version(row) for row in versions],
            restrictions=[
                BundleRestriction(
                    record_id=row.record_id,
                    version_id=row.version_id,
                    owner_agency=row.owner_agency,
                    roles=sorted(row.roles),
                )
                for rows in restrictions.values()
                for row in rows
            ],
        )

    def _close(self, sent: SentBundle, by: Practitioner, pack_id: str) -> None:
        with self._repository.transaction():
            self._repository.add_sent_bundle(sent)
            for holder in case_holders(self._repository, sent.case_id):
                self._allocations.deallocate(holder.username, sent.case_id, actor_id=by.id)
            subjects = (("case", sent.case_id), ("bundle", sent.bundle_id),
                        ("transfer_pack", pack_id))  # fmt: skip
            for subject_type, subject_id in subjects:
                self._audit.record(
                    AuditAction.CASE_SENT_TO_AUTHORITY, by.id, CONSOLE_DEVICE,
                    subject_type=subject_type, subject_id=subject_id,
                )  # fmt: skip
