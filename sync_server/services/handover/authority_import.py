"""Receive a case from another authority's Doorstep server: verify, store its history, allocate.

`python -m sync_server import-transfer FILE --to USERNAME`. The bundle must verify against
the trust list (services/transfer_bundle.open_bundle) and be made for this authority. Its
versions are stored exactly as the sender stored them (ids, authors, times, payloads; the
content hash checked against each payload), each marked with its provenance: the sending
authority and when it arrived here. Stored versions are never changed (the versions table is
append-only), and an entry or a visit is changed only by its first author (services/ingest),
none of whom work here: the received history is read-only. New versions pushed here come
after it in server order, so the chronology continues from it.

All or nothing, in one transaction: a version whose id is already here with other content,
a record already here in another case, or anything malformed refuses the whole bundle with a
plain reason, and nothing from it is stored (the refusal is audited). A version already here
with the same content (a family moving back) is not stored again, and a bundle imported
before stores nothing at all.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from shared.clock import iso, utc_now
from shared.models import ChronologyEntry
from shared.protocol import RecordVersion
from sync_server.errors import NotFound, ServerError
from sync_server.repository import (
    ChronologyIndexRow,
    IngestBatch,
    NewVersion,
    ReplacementRow,
    Repository,
)
from sync_server.repository.authority_transfers import ReceivedAuthor, ReceivedBundle
from sync_server.repository.interface import RestrictionRow
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.caseload.allocations import AllocationService
from sync_server.services.handover.authority_export import CONSOLE_DEVICE
from sync_server.services.handover.authority_keys import TrustList
from sync_server.services.handover.exports import CASE_HOLDING_ROLES
from sync_server.services.handover.transfer_bundle import (
    BundleBody,
    BundleRefused,
    BundleVersion,
    content_hash,
    open_bundle,
)
from sync_server.services.sync.bodies import RECORD_VERSION
from sync_server.services.sync.ingest import event_time


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The bundle as recorded here, and whether it had been imported before."""

    bundle: ReceivedBundle
    repeated: bool


@dataclass(slots=True)
class _Rows:
    versions: list[NewVersion]
    index: list[ChronologyIndexRow]
    also: list[ReplacementRow]
    restricted: list[RestrictionRow]


def _parsed(number: int, item: BundleVersion) -> RecordVersion:
    """Check one bundle version against its own columns and hash; return it parsed."""
    if content_hash(item.payload) != item.content_hash:
        raise BundleRefused(f"Version {number} of the bundle does not match its content hash.")
    try:
        version = RECORD_VERSION.validate_json(item.payload)
    except ValidationError:
        raise BundleRefused(
            f"Version {number} of the bundle is not a record this server reads."
        ) from None
    columns = (item.version_id, item.record_id, item.case_id, item.replaces_version_id,
               item.record_type)  # fmt: skip
    own = (version.version_id, version.record_id, version.case_id, version.replaces_version_id,
           version.payload.record_type)  # fmt: skip
    if columns != own:
        raise BundleRefused(f"Version {number} of the bundle does not agree with its contents.")
    return version


def _new_rows(batch: IngestBatch, body: BundleBody) -> _Rows:
    """Return the rows to store for the bundle's versions not yet here.

    Raises:
        BundleRefused: a version clashes with one here, or the bundle contradicts itself.
    """
    items = body.versions
    ids = [item.version_id for item in items]
    if len(set(ids)) != len(ids):
        raise BundleRefused("The bundle holds the same version twice.")
    if any(item.case_id != body.case_id for item in items):
        raise BundleRefused("The bundle holds versions of another case.")
    here = batch.known_versions(ids)
    kinds = batch.record_kinds({item.record_id for item in items})
    rows = _Rows([], [], [], [])
    seen = set(here)
    for number, item in enumerate(items, start=1):
        version = _parsed(number, item)
        stored = here.get(item.version_id)
        if stored is not None:
            if stored.content_hash != bytes.fromhex(item.content_hash) or (
                stored.case_id != body.case_id
            ):
                raise BundleRefused(
                    f"Version {number} of the bundle has the id of a different version "
                    "already on this server."
                )
            continue
        kind = kinds.get(item.record_id)
        if kind is not None and kind != (item.record_type, body.case_id):
            raise BundleRefused(
                f"Version {number} of the bundle is of a record this server holds in another case."
            )
        if any(base not in seen for base in version.replaced_ids()):
            raise BundleRefused(f"Version {number} of the bundle replaces a version it lacks.")
        seen.add(item.version_id)
        rows.versions.append(
            NewVersion(
                item.version_id,
                item.record_id,
                item.record_type,
                item.replaces_version_id,
                item.case_id,
                item.author_id,
                item.author_agency,
                item.device_id,
                item.device_time,
                item.recorded_at,
                bytes.fromhex(item.content_hash),
                item.payload,
            )
        )
        rows.also.extend(ReplacementRow(b, item.version_id) for b in version.also_replaces)
        if isinstance(version.payload, ChronologyEntry):
            when = event_time(version.payload)
            for child_id in dict.fromkeys(version.payload.child_ids):
                rows.index.append(ChronologyIndexRow(child_id, item.version_id, when))
    new = {row.version_id for row in rows.versions}
    rows.restricted.extend(
        RestrictionRow(r.record_id, r.version_id, body.case_id, r.owner_agency, frozenset(r.roles))
        for r in body.restrictions
        if r.version_id in new
    )
    return rows


class AuthorityImport:
    """Verify a bundle and store its history here, allocated to a receiving practitioner."""

    def __init__(
        self,
        repository: Repository,
        allocations: AllocationService,
        trusted: TrustList,
        authority: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._allocations = allocations
        self._trusted = trusted
        self._authority = authority
        self._clock = clock
        self._audit = AuditTrail(repository, clock)

    def import_bundle(self, raw: bytes, to_username: str) -> ImportResult:
        """Import a bundle file's bytes, allocating the case to to_username.

        Raises:
            BundleRefused: see the module docstring; nothing was stored.
            NotFound: no practitioner has this username (nothing was stored).
        """
        try:
            return self._import(raw, to_username)
        except ServerError:
            self._audit.record(AuditAction.TRANSFER_BUNDLE_REFUSED, None, CONSOLE_DEVICE,
                               subject_type="bundle")  # fmt: skip
            raise

    def _import(self, raw: bytes, to_username: str) -> ImportResult:
        body = open_bundle(raw, self._trusted)
        if body.to_authority != self._authority:
            raise BundleRefused(
                f"This bundle was made for {body.to_authority}, not for {self._authority}."
            )
        found = self._repository.practitioner_login(to_username)
        if found is None:
            raise NotFound(f"No practitioner with username {to_username!r}.")
        receiver = found[0]
        if receiver.role not in CASE_HOLDING_ROLES:
            raise BundleRefused(f"{to_username}'s role cannot hold cases: name who will.")
        with self._repository.ingest() as batch:
            earlier = self._repository.received_bundle(body.bundle_id)
            if earlier is not None:
                self._record(AuditAction.TRANSFER_BUNDLE_REPEATED, earlier)
                return ImportResult(earlier, repeated=True)
            rows = _new_rows(batch, body)
            batch.insert(rows.versions, rows.index, rows.also, rows.restricted)
            received = ReceivedBundle(
                body.bundle_id, body.case_id, body.from_authority, body.exported_at,
                iso(self._clock()), hashlib.sha256(raw).hexdigest(), receiver.id,
                len(rows.versions),
            )  # fmt: skip
            authors = [
                ReceivedAuthor(a.practitioner_id, a.name, a.role, a.agency, a.team)
                for a in body.authors
            ]
            self._repository.add_received_bundle(
                received, [row.version_id for row in rows.versions], authors
            )
            # After the bundle is recorded: a case this server once sent away is open again.
            self._allocations.allocate(receiver.username, body.case_id)
            self._record(AuditAction.CASE_RECEIVED_FROM_AUTHORITY, received)
        return ImportResult(received, repeated=False)

    def _record(self, action: AuditAction, bundle: ReceivedBundle) -> None:
        for subject_type, subject_id in (("case", bundle.case_id), ("bundle", bundle.bundle_id)):
            self._audit.record(action, None, CONSOLE_DEVICE, subject_type=subject_type,
                               subject_id=subject_id)  # fmt: skip
