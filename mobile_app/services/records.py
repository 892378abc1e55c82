"""Making record versions on the device and reading the current state of records."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mobile_app.errors import RecordTampered, StoreError
from mobile_app.services.sync.device_clock import corrected
from mobile_app.store import DeviceStore, StoredVersion, SyncState, heads
from shared.clock import utc_now
from shared.ids import new_id
from shared.models import Child, Family
from shared.models import RecordPayload as Payload
from shared.protocol import RecordVersion
from shared.vocabulary import Lifecycle


@dataclass(frozen=True)
class NewRecord:
    """Content for a record's first version, in the case it belongs to."""

    case_id: str
    payload: Payload
    record_id: str | None = None


@dataclass(frozen=True)
class CaseSummary:
    """A family on this device's caseload, with its children."""

    case_id: str
    family: Family
    children: dict[str, Child]


class RecordService:
    """Creates versions (sealed, queued for sync in one transaction) and reads records back."""

    def __init__(self, store: DeviceStore, written_at: datetime | None = None) -> None:
        """Versions are stamped `written_at` (already corrected), else the corrected clock."""
        self._store = store
        self._written_at = written_at

    def _now(self) -> datetime:
        # V1: the time of writing is on the phone's clock corrected by the server's.
        return self._written_at or corrected(self._store, utc_now())

    def record(self, records: Sequence[NewRecord]) -> list[RecordVersion]:
        """Store first versions of new records and queue them, in this order, for sync."""
        now = self._now()
        versions = [
            RecordVersion(
                version_id=new_id(),
                record_id=r.record_id or new_id(),
                case_id=r.case_id,
                device_time=now,
                payload=r.payload,
            )
            for r in records
        ]
        self._save(versions)
        return versions

    def amend(
        self,
        record_id: str,
        payload: Payload,
        *,
        reason: str,
        lifecycle: Lifecycle = Lifecycle.CURRENT,
    ) -> RecordVersion:
        """Store a new version of a record, naming the one it replaces and why, and queue it.

        A withdrawal or an "entered in error" mark is an amendment with that lifecycle.
        """
        heads = self._store.records.head_ids(record_id)
        if len(heads) != 1:
            raise StoreError(
                f"Record {record_id} has {len(heads)} current versions here; "
                "resolve the conflict before amending it."
            )
        return self._replace(record_id, heads, payload, reason, lifecycle)

    def resolve(self, record_id: str, payload: Payload, *, reason: str) -> RecordVersion:
        """Resolve a conflict: one new version that replaces every competing head."""
        heads = self._store.records.head_ids(record_id)
        if len(heads) < 2:
            raise StoreError(f"Record {record_id} has no conflict to resolve here.")
        return self._replace(record_id, heads, payload, reason, Lifecycle.CURRENT)

    def _replace(
        self,
        record_id: str,
        heads: list[str],
        payload: Payload,
        reason: str,
        lifecycle: Lifecycle,
    ) -> RecordVersion:
        base = self._store.records.get(heads[0]).version
        if base.record_type != payload.record_type:
            raise StoreError(
                f"Record {record_id} is a {base.record_type}, not a {payload.record_type}."
            )
        version = RecordVersion(
            version_id=new_id(),
            record_id=record_id,
            replaces_version_id=heads[0],
            also_replaces=tuple(heads[1:]),
            lifecycle=lifecycle,
            amend_reason=reason,
            case_id=base.case_id,
            device_time=self._now(),
            payload=payload,
        )
        self._save([version])
        return version

    def _save(self, versions: list[RecordVersion]) -> None:
        with self._store.atomic():
            self._store.records.add(versions, SyncState.PENDING)
            self._store.outbox.enqueue(v.version_id for v in versions)

    def current(self, record_type: str) -> list[StoredVersion]:
        """Return the current version(s) of every record of a type (all heads if in conflict).

        A version that cannot be opened is set aside (and listed on the sync screen), not
        allowed to stop the caseload, or recording a visit, for everything else.
        """
        out = []
        for row in heads(self._store.records.rows()):
            if row.record_type == record_type:
                try:
                    out.append(self._store.records.get(row.version_id))
                except RecordTampered:
                    continue
        return out

    def caseload(self) -> list[CaseSummary]:
        """Return the families on this device, each with its children."""
        cases: dict[str, CaseSummary] = {}
        for stored in self.current("family"):
            payload = stored.version.payload
            if isinstance(payload, Family):
                cases[stored.version.case_id] = CaseSummary(stored.version.case_id, payload, {})
        for stored in self.current("child"):
            child = stored.version.payload
            if isinstance(child, Child) and stored.version.case_id in cases:
                cases[stored.version.case_id].children[stored.version.record_id] = child
        return sorted(cases.values(), key=lambda c: c.family.family_name)
