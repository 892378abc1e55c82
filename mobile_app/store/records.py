"""Record versions on the device: each one sealed, with only ids and sync state in clear."""

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from pydantic import TypeAdapter, ValidationError
from sqlite_utils import Database

from mobile_app.crypto import record_aad
from mobile_app.errors import DecryptionFailed, RecordTampered, StoreError
from mobile_app.store.cipher import ContentCipher
from mobile_app.store.quarantine import QuarantineStore
from shared.protocol import PulledVersion, RecordVersion

_STORED = TypeAdapter[PulledVersion | RecordVersion](PulledVersion | RecordVersion)


class SyncState(StrEnum):
    """Where a version stands with the server."""

    PENDING = "pending"  # made here, waiting in the outbox
    SYNCED = "synced"  # the server holds it
    CONFLICT = "conflict"  # the server holds it beside another edit of the same base
    REJECTED = "rejected"  # the server refused it; see its sync issue


@dataclass(frozen=True)
class StoredVersion:
    """A decrypted version with its clear sync state."""

    version: RecordVersion
    state: SyncState
    server_seq: int | None

    @property
    def version_id(self) -> str:
        """Return the version's id."""
        return self.version.version_id

    @property
    def replaced_ids(self) -> tuple[str, ...]:
        """Return the versions this one replaces (none for a record's first version)."""
        return self.version.replaced_ids()

    @property
    def refused_change(self) -> bool:
        """True for a change the server refused (see VersionRow.refused_change)."""
        return self.state == SyncState.REJECTED and bool(self.replaced_ids)


@dataclass(frozen=True)
class VersionRow:
    """A version's clear columns, for listing without decrypting."""

    version_id: str
    record_id: str
    record_type: str
    case_id: str
    replaces_version_id: str | None
    also_replaces: tuple[str, ...]
    state: SyncState
    server_seq: int | None

    @property
    def replaced_ids(self) -> tuple[str, ...]:
        """Return the versions this one replaces (none for a record's first version)."""
        first = (self.replaces_version_id,) if self.replaces_version_id else ()
        return (*first, *self.also_replaces)

    @property
    def refused_change(self) -> bool:
        """True for a change to an existing record that the server refused: the record stays as
        it was, so this version neither replaces another nor counts as current."""
        return self.state == SyncState.REJECTED and bool(self.replaced_ids)


class _Versioned(Protocol):
    @property
    def version_id(self) -> str: ...
    @property
    def replaced_ids(self) -> tuple[str, ...]: ...
    @property
    def refused_change(self) -> bool: ...


V = TypeVar("V", bound=_Versioned)


def heads(versions: Iterable[V]) -> list[V]:
    """Return the versions that no other version among them replaces: the current ones (both
    sides of a conflict). A change the server refused neither replaces nor is current."""
    kept = [v for v in versions if not v.refused_change]
    replaced = {base for v in kept for base in v.replaced_ids}
    return [v for v in kept if v.version_id not in replaced]


_COLUMNS = (
    "version_id, record_id, record_type, case_id, replaces_version_id, also_replaces, state, "
    "server_seq"
)
_ROW_MARKS = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"  # the columns above and the ciphertext
_ROWS_PER_INSERT = 500  # a statement's text and parameters stay small; the last chunk differs


class RecordStore:
    """Adds, reads and lists sealed record versions."""

    def __init__(self, db: Database, cipher: ContentCipher) -> None:
        self._db = db
        self._cipher = cipher
        self.quarantine = QuarantineStore(db)

    def add(
        self,
        versions: Iterable[RecordVersion],
        state: SyncState,
        received: Mapping[str, bytes] | None = None,
    ) -> None:
        """Store new versions (in one transaction with the caller's, if any).

        `received` maps a version id to the JSON that version was validated from (a pulled
        page's, see mobile_app.pull_page): those bytes are sealed as they are, the rest
        re-encoded from their models.
        """
        versions = list(versions)
        received = received or {}
        kinds = [v.record_type for v in versions]  # a property reading the payload: once
        sealed = self._cipher.encrypt_many(
            [
                (
                    received.get(v.version_id) or v.model_dump_json().encode(),
                    record_aad(kind, v.record_id, v.version_id),
                )
                for v, kind in zip(versions, kinds, strict=True)
            ]
        )
        clear_state = state.value
        rows = [
            (
                v.version_id,
                v.record_id,
                kind,
                v.case_id,
                v.replaces_version_id,
                " ".join(v.also_replaces),
                clear_state,
                v.server_seq if isinstance(v, PulledVersion) else None,
                ciphertext,
            )
            for v, kind, ciphertext in zip(versions, kinds, sealed, strict=True)
        ]
        with self._db.atomic():
            self._insert(rows)

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert version rows, many to a statement.

        executemany steps SQLite once per row, taking the interpreter lock back after each
        step: a page of a first pull made a thousand hand-overs with the thread downloading
        the next page. One statement per chunk costs SQLite the same and hands over once.
        """
        conn = self._db.conn
        per = max(
            1, min(_ROWS_PER_INSERT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 9)
        )
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            marks = ", ".join([_ROW_MARKS] * len(chunk))
            conn.execute(
                f"INSERT INTO versions ({_COLUMNS}, ciphertext) VALUES {marks}",
                [value for row in chunk for value in row],
            )

    def merge_pulled(
        self, versions: Sequence[PulledVersion], received: Mapping[str, bytes] | None = None
    ) -> int:
        """Store versions from the server; ones already here get their server_seq.

        `received` is as for add: the exact JSON each version was validated from, if known.
        Returns how many were new to this device.
        """
        known = self.existing_ids(v.version_id for v in versions)
        with self._db.atomic():
            new = [v for v in versions if v.version_id not in known]
            self.add(new, SyncState.SYNCED, received)
            self._db.conn.executemany(
                # The server holds it, so a version marked rejected (its answer was lost, then
                # refused on retry by an older server) is in fact synced.
                "UPDATE versions SET server_seq = ?, "
                "state = CASE state WHEN 'pending' THEN 'synced' WHEN 'rejected' THEN 'synced' "
                "ELSE state END "
                "WHERE version_id = ?",
                [(v.server_seq, v.version_id) for v in versions if v.version_id in known],
            )
        return len(versions) - len(known)

    def purge_case(self, case_id: str) -> int:
        """Remove a case that left this device's scope; return how many versions went.

        Versions the server does not hold are kept: those waiting in the outbox (they will
        be refused and stay visible as rejected) and those already rejected. Nothing the
        practitioner wrote here is lost; the server keeps everything else.
        """
        return self._purge_server_copies("case_id = ?", [case_id])

    def purge_record(self, record_id: str) -> int:
        """Remove a record that became hidden from this device's user; return how many
        versions went.

        As purge_case: versions the server does not hold (in the outbox, or rejected) stay,
        so a pending amendment of the record is still pushed, refused as unknown, and kept
        as a sync issue; nothing else of the record is left to show.
        """
        return self._purge_server_copies("record_id = ?", [record_id])

    def purge_synced(self) -> int:
        """Remove every version the server holds (the read rules changed: it is pulled again
        under the new ones); return how many went.

        Unsynced and rejected versions stay, and so do versions in conflict with their sync
        issues: the prompt to resolve must outlive the re-pull (merge_pulled leaves a
        conflict's state as it is).
        """
        return self._purge_server_copies("state != 'conflict'", [])

    def _purge_server_copies(self, where: str, args: list[str]) -> int:
        doomed = (
            f"SELECT version_id FROM versions WHERE {where} AND state != 'rejected'"
            " AND version_id NOT IN (SELECT version_id FROM outbox)"
        )
        with self._db.atomic():
            self._db.execute(f"DELETE FROM sync_issues WHERE version_id IN ({doomed})", args)
            cursor = self._db.execute(f"DELETE FROM versions WHERE version_id IN ({doomed})", args)
        return int(cursor.rowcount)

    def existing_ids(self, version_ids: Iterable[str]) -> set[str]:
        """Return which of the given version ids are stored here."""
        ids = list(version_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT version_id FROM versions WHERE version_id IN ({marks})"
            found.update(row[0] for row in self._db.execute(sql, chunk).fetchall())
        return found

    def set_state(self, version_id: str, state: SyncState, server_seq: int | None) -> None:
        """Record what the server said about a version."""
        with self._db.atomic():
            self._db.execute(
                "UPDATE versions SET state = ?, server_seq = COALESCE(?, server_seq) "
                "WHERE version_id = ?",
                [state.value, server_seq, version_id],
            )

    def get(self, version_id: str) -> StoredVersion:
        """Decrypt one version; raises RecordTampered if its row was altered (the row is then
        set aside, see quarantine)."""
        row = self._db.execute(
            f"SELECT {_COLUMNS}, ciphertext FROM versions WHERE version_id = ?",
            [version_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"No record version {version_id} on this device.")
        return self._open(row)

    def _open(self, row: tuple[Any, ...]) -> StoredVersion:
        """Open a row; one that cannot be opened is set aside before RecordTampered is raised,
        so it stops nothing else (listing, recording, sync) from then on."""
        version_id = str(row[0])
        try:
            return self._decrypt(row)
        except RecordTampered as err:
            self.quarantine.set_aside(version_id, err.reason)
            raise

    def _decrypt(self, row: tuple[Any, ...]) -> StoredVersion:
        version_id, record_id, record_type, case_id, replaces, also, state, server_seq, sealed = row
        aad = record_aad(str(record_type), str(record_id), str(version_id))
        try:
            plaintext = self._cipher.decrypt(bytes(sealed), aad)
        except DecryptionFailed as exc:
            raise RecordTampered(str(version_id), "failed its integrity check") from exc
        try:
            version = _STORED.validate_json(plaintext)
        except ValidationError as exc:
            raise RecordTampered(str(version_id), "could not be read") from exc
        # The clear columns drive heads, scope and listing: they must say what the sealed
        # version says, or someone has edited the file.
        if (
            version.version_id != version_id
            or version.case_id != case_id
            or version.replaces_version_id != replaces
            or " ".join(version.also_replaces) != also
        ):
            raise RecordTampered(str(version_id), "does not match its listing")
        return StoredVersion(version, SyncState(state), server_seq)

    def rows(
        self,
        record_type: str | None = None,
        case_id: str | None = None,
        record_id: str | None = None,
    ) -> list[VersionRow]:
        """List versions' clear columns in the order they were stored."""
        sql = f"SELECT {_COLUMNS} FROM versions WHERE 1=1"
        args: list[str] = []
        for column, value in (
            ("record_type", record_type),
            ("case_id", case_id),
            ("record_id", record_id),
        ):
            if value is not None:
                sql, args = f"{sql} AND {column} = ?", [*args, value]
        return [
            VersionRow(r[0], r[1], r[2], r[3], r[4], tuple(r[5].split()), SyncState(r[6]), r[7])
            for r in self._db.execute(sql + " ORDER BY rowid", args).fetchall()
        ]

    def read_all(self, record_type: str | None = None) -> Iterator[StoredVersion | RecordTampered]:
        """Decrypt every version in storage order; a tampered one yields its error, not a stop."""
        sql = f"SELECT {_COLUMNS}, ciphertext FROM versions"
        args: list[str] = []
        if record_type is not None:
            sql, args = sql + " WHERE record_type = ?", [record_type]
        for row in self._db.execute(sql + " ORDER BY rowid", args).fetchall():
            try:
                yield self._open(row)
            except RecordTampered as err:
                yield err

    def head_ids(self, record_id: str) -> list[str]:
        """Return the versions of a record that no other stored version replaces."""
        return [row.version_id for row in heads(self.rows(record_id=record_id))]
