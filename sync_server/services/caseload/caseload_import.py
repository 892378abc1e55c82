"""Import a caseload (families, children, adults, allocations) in one transaction, audited.

Each record becomes an ordinary record version through the same ingest rules as a push, so
what an import stores is what a device could have sent. Record and version ids are derived
from the source system, its reference and the content, so importing the same file again
finds every version already stored and stores nothing twice; a record the source has changed
since gets a new version, unless someone has amended it in Doorstep since (then Doorstep's
version is kept and the report says so). The versions are authored by the "caseload-import"
account, which can never sign in: a reader of the record's history sees where it came from.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from pydantic import ValidationError

from shared.clock import iso, utc_now
from shared.ids import new_id
from shared.models import Address, Child, Family, Practitioner, SignificantAdult
from shared.protocol import ItemStatus, RecordVersion
from shared.rules.event_time import DEFAULT_CLOCK_TOLERANCE, EventClock
from shared.vocabulary import Agency, Role
from sync_server.repository import IngestBatch, Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.caseload.caseload_format import ImportAdult, ImportChild, ImportFamily
from sync_server.services.caseload.caseload_read import Caseload, CaseloadRefused, Fault, plain
from sync_server.services.sync.ingest import ingest
from sync_server.services.sync.outcomes import to_result
from sync_server.services.sync.push_rules import Pusher

IMPORT_USERNAME = "caseload-import"
# No password verifies against it (not a PHC string), and the account is revoked too.
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105
_NAMESPACE = uuid.UUID("5b0f4a5e-2d51-4c39-9a0e-7d7a3c1e0c13")  # fixed: ids stay the same


def derived_id(*parts: str) -> str:
    """Return the same record or version id for the same parts, on every server."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: cases, versions stored, already there, kept as amended locally."""

    cases: tuple[str, ...]
    stored: int
    unchanged: int
    kept_local: int
    allocations: int


@dataclass(frozen=True, slots=True)
class _Planned:
    where: str
    version: RecordVersion


class CaseloadImportService:
    """Check a read caseload against itself and the server, then store it all or nothing."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        clock: Callable[[], datetime] = utc_now,
        clock_tolerance: timedelta = DEFAULT_CLOCK_TOLERANCE,
    ) -> None:
        self._repository = repository
        self._audit = audit
        self._clock = clock
        self._tolerance = clock_tolerance

    def run(
        self, caseload: Caseload, action: AuditAction = AuditAction.CASELOAD_IMPORTED
    ) -> ImportReport:
        """Store the caseload; audit each case under `action`.

        Raises:
            CaseloadRefused: a row is wrong (named by line and field); nothing is stored.
        """
        try:
            return self._run(caseload, action)
        except CaseloadRefused:
            self._audit.record(AuditAction.CASELOAD_IMPORT_REFUSED, None, None)
            raise

    def _run(self, caseload: Caseload, action: AuditAction) -> ImportReport:
        refs = _References(caseload)
        allocations = self._allocations(caseload, refs.faults)
        now = self._clock()
        planned = _versions(caseload, refs, now)
        if faults := [*caseload.faults, *refs.faults, *planned.faults]:
            raise CaseloadRefused(sorted(faults, key=_file_order))
        with self._repository.ingest() as batch:
            importer = self._importer(iso(now))
            fresh, unchanged, kept = _fresh(batch, planned.versions, importer.id)
            pusher = Pusher(importer, None, frozenset(refs.cases.values()))
            outcomes = ingest(batch, pusher, [p.version for p in fresh], iso(now),
                              EventClock(now, self._tolerance))  # fmt: skip
            faults = [
                Fault(
                    item.where,
                    (result.field or "record").removeprefix("payload."),
                    result.message or "was refused",
                )
                for item, result in zip(fresh, map(to_result, outcomes), strict=True)
                if result.status not in (ItemStatus.ACCEPTED, ItemStatus.DUPLICATE)
            ]
            if faults:
                raise CaseloadRefused(faults)
            made = 0
            for family_ref, who in allocations:
                if self._repository.allocate(who.id, refs.cases[family_ref], iso(now)):
                    made += 1
                    self._audit_case(AuditAction.CASE_ALLOCATED, refs.cases[family_ref], who.id)
            for case_id in refs.cases.values():
                self._audit.record(action, None, None, subject_type="case", subject_id=case_id)
        return ImportReport(tuple(refs.cases.values()), len(fresh), unchanged, kept, made)

    def _allocations(
        self, caseload: Caseload, faults: list[Fault]
    ) -> list[tuple[str, Practitioner]]:
        out = []
        for where, row in caseload.rows["allocation"]:
            found = self._repository.practitioner_login(row.username)
            if found is None or self._repository.practitioner_revoked(found[0].id):
                faults.append(Fault(where, "username", "no practitioner who can sign in has it"))
            elif found[0].role in (Role.SYS_ADMIN,) or row.username == IMPORT_USERNAME:
                faults.append(Fault(where, "username", "this account does not hold cases"))
            else:
                out.append((row.family_ref, found[0]))
        return out

    def _importer(self, at: str) -> Practitioner:
        found = self._repository.practitioner_login(IMPORT_USERNAME)
        if found is not None:
            return found[0]
        importer = Practitioner(
            id=new_id(),
            username=IMPORT_USERNAME,
            display_name="Case management system import",
            role=Role.SOCIAL_WORKER,  # families and children are social work records
            agency=Agency.CSC,
            team="Caseload import",
        )
        self._repository.add_practitioner(importer, UNUSABLE_PASSWORD_HASH, at)
        self._repository.revoke_practitioner(importer.id, at)
        return importer

    def _audit_case(self, action: AuditAction, case_id: str, practitioner_id: str) -> None:
        self._audit.record(action, None, None, subject_type="case", subject_id=case_id)
        self._audit.record(
            action, None, None, subject_type="practitioner", subject_id=practitioner_id
        )


class _References:
    """The file's references resolved to ids, and what does not resolve."""

    def __init__(self, caseload: Caseload) -> None:
        self.faults: list[Fault] = []
        self.refused = caseload.refused
        self.cases: dict[str, str] = {}  # family ref -> case id
        self.children: dict[str, tuple[str, str]] = {}  # child ref -> (record id, family ref)
        source = caseload.source
        for where, family in caseload.rows["family"]:
            if self._fresh(where, family.ref, self.cases):
                self.cases[family.ref] = family.case_id or derived_id(source, "family", family.ref)
        for where, child in caseload.rows["child"]:
            if self._fresh(where, child.ref, self.children) and self._family(where, child):
                self.children[child.ref] = (
                    derived_id(source, "child", child.ref),
                    child.family_ref,
                )
        adults: dict[str, None] = {}
        for where, adult in caseload.rows["adult"]:
            if self._fresh(where, adult.ref, adults) and self._family(where, adult):
                adults[adult.ref] = None
                for ref in adult.child_refs:
                    if ref in caseload.refused:
                        continue  # that child's own row has the fault
                    if self.children.get(ref, ("", ""))[1] != adult.family_ref:
                        why = f"{ref} is not a child of family {adult.family_ref} in this file"
                        self.faults.append(Fault(where, "child_refs", why))
        for where, allocation in caseload.rows["allocation"]:
            self._family(where, allocation)

    def _fresh(self, where: str, ref: str, seen: dict[str, Any]) -> bool:
        if ref in seen:
            self.faults.append(Fault(where, "ref", f"{ref} is used twice in this file"))
            return False
        return True

    def _family(self, where: str, row: Any) -> bool:
        if row.family_ref in self.refused:
            return False  # the family's own row has the fault
        if row.family_ref not in self.cases:
            self.faults.append(
                Fault(where, "family_ref", f"no family {row.family_ref} in this file")
            )
            return False
        return True


@dataclass(slots=True)
class _Plan:
    versions: list[_Planned]
    faults: list[Fault]


def _versions(caseload: Caseload, refs: _References, now: datetime) -> _Plan:
    """Return each row's record version; a row its record's own rules refuse (a child on a
    plan with no category) is a fault. Rows whose references do not resolve are left out."""
    source, out = caseload.source, _Plan([], [])

    def add(where: str, record_id: str, case_id: str, build: Callable[[], Any]) -> None:
        try:
            payload = build()
        except ValidationError as exc:
            out.faults.extend(_fault(where, error) for error in exc.errors())
            return
        content = payload.model_dump_json()
        version = RecordVersion(
            version_id=derived_id(source, record_id, content),
            record_id=record_id,
            case_id=case_id,
            device_time=now,
            payload=payload,
        )
        out.versions.append(_Planned(where, version))

    for where, family in caseload.rows["family"]:
        if family.ref in refs.cases:
            case_id = refs.cases[family.ref]
            add(where, case_id, case_id, partial(_family, family))
    for where, child in caseload.rows["child"]:
        if child.ref in refs.children:
            record_id, case_id = refs.children[child.ref][0], refs.cases[child.family_ref]
            add(where, record_id, case_id, partial(_child, child))
    for where, adult in caseload.rows["adult"]:
        if adult.family_ref in refs.cases and all(r in refs.children for r in adult.child_refs):
            record_id = derived_id(source, "adult", adult.ref)
            child_ids = tuple(refs.children[ref][0] for ref in adult.child_refs)
            add(where, record_id, refs.cases[adult.family_ref], partial(_adult, adult, child_ids))
    return out


_PARTS = ("families", "children", "adults", "allocations")


def _file_order(fault: Fault) -> tuple[int, int]:
    """Faults in the order of the file: by line (CSV), or by list and position (JSON)."""
    if fault.where.startswith("line "):
        return (0, int(fault.where.split()[1]))
    head, _, rest = fault.where.partition("[")
    part = _PARTS.index(head) + 1 if head in _PARTS else 0
    return (part, int(rest.partition("]")[0]) if rest else -1)


def _fault(where: str, error: Any) -> Fault:
    """A record's own rule names its field at the start of its message ("dob: ...")."""
    message = plain(error)
    head, sep, rest = message.partition(": ")
    if not error["loc"] and sep and " " not in head:
        return Fault(where, head, rest)
    return Fault(where, _dotted(error["loc"]) or "record", message)


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _family(row: ImportFamily) -> Family:
    address = Address(**row.address.model_dump())
    return Family(family_name=row.family_name, address=address)


def _child(row: ImportChild) -> Child:
    return Child(**row.model_dump(exclude={"ref", "family_ref"}))


def _adult(row: ImportAdult, child_ids: tuple[str, ...]) -> SignificantAdult:
    fields = row.model_dump(exclude={"ref", "family_ref", "child_refs"})
    return SignificantAdult(child_ids=child_ids, **fields)


def _fresh(
    batch: IngestBatch, planned: list[_Planned], importer_id: str
) -> tuple[list[_Planned], int, int]:
    """Return the versions to store (a changed record's replacing the import's own head), how
    many are already stored, and how many records were amended in Doorstep since (kept)."""
    known = batch.known_versions([p.version.version_id for p in planned])
    todo = [p for p in planned if p.version.version_id not in known]
    heads = batch.heads([p.version.record_id for p in todo])
    head_rows = batch.known_versions([v for ids in heads.values() for v in ids])
    fresh, kept = [], 0
    for item in todo:
        record_heads = heads.get(item.version.record_id, [])
        if not record_heads:
            fresh.append(item)
        elif len(record_heads) == 1 and head_rows[record_heads[0]].author_id == importer_id:
            replaced = item.version.model_copy(update={"replaces_version_id": record_heads[0]})
            fresh.append(_Planned(item.where, replaced))
        else:
            kept += 1
    return fresh, len(planned) - len(todo), kept
