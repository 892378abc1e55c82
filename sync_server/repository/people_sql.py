"""Practitioners, devices, case allocations and the audit log: portable SQL (dialect.py)."""

import json
import secrets
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from typing import Any

from shared.models import Practitioner
from sync_server.repository.audit_chain import append_audit_row
from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import (
    AuditEvent,
    AuditRow,
    DeviceListing,
    DeviceRecord,
    DeviceSession,
)

_PRACTITIONER_COLUMNS = "p.id, p.username, p.display_name, p.role, p.agency, p.team"


_PRACTITIONER_FIELDS = ("id", "username", "display_name", "role", "agency", "team")


def _practitioner(row: Sequence[Any]) -> Practitioner:
    return Practitioner(**dict(zip(_PRACTITIONER_FIELDS, row, strict=True)))


class SqlitePeopleQueries:
    """Practitioners, devices, allocations and audit rows."""

    _conn: SqlConnection

    def add_practitioner(self, practitioner: Practitioner, password_hash: str, at: str) -> None:
        """Store a practitioner with their password hash (PHC string)."""
        fields = practitioner.model_dump(mode="json", include=set(_PRACTITIONER_FIELDS))
        self._conn.execute(
            f"INSERT INTO practitioners ({', '.join(_PRACTITIONER_FIELDS)}, password_hash,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [*(fields[name] for name in _PRACTITIONER_FIELDS), password_hash, at],
        )

    def practitioner_login(self, username: str) -> tuple[Practitioner, str] | None:
        """Return the practitioner with this username and their password hash, if any."""
        row = self._conn.execute(
            f"SELECT {_PRACTITIONER_COLUMNS}, p.password_hash FROM practitioners p"
            " WHERE p.username = ?",
            [username],
        ).fetchone()
        return None if row is None else (_practitioner(row[:6]), str(row[6]))

    def practitioners(self, ids: Collection[str]) -> dict[str, Practitioner]:
        """Return the practitioners with these ids."""
        rows = self._conn.execute(
            f"SELECT {_PRACTITIONER_COLUMNS} FROM practitioners p"
            " WHERE p.id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(ids))],
        )
        return {row[0]: _practitioner(row) for row in rows}

    def allocate(self, practitioner_id: str, case_id: str, at: str) -> bool:
        """Allocate a case to a practitioner; return False when it already is (idempotent)."""
        if case_id in self.allocated_cases(practitioner_id):
            return False
        self._conn.execute(
            "INSERT INTO allocations (practitioner_id, case_id, allocated_at, allocation_id)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (practitioner_id, case_id) DO UPDATE SET"
            " allocated_at = excluded.allocated_at, allocation_id = excluded.allocation_id,"
            " ended_at = NULL",
            [practitioner_id, case_id, at, secrets.token_hex(16)],
        )
        return True

    def deallocate(self, practitioner_id: str, case_id: str, at: str) -> bool:
        """End a live allocation; return False when there is none."""
        cursor = self._conn.execute(
            "UPDATE allocations SET ended_at = ? WHERE practitioner_id = ? AND case_id = ?"
            " AND ended_at IS NULL",
            [at, practitioner_id, case_id],
        )
        return cursor.rowcount > 0

    def allocated_cases(self, practitioner_id: str) -> frozenset[str]:
        """Return the case ids allocated to a practitioner."""
        return frozenset(self.allocations(practitioner_id))

    def case_practitioners(self, case_id: str) -> frozenset[str]:
        """Return the ids of the practitioners the case is allocated to now."""
        rows = self._conn.execute(
            "SELECT practitioner_id FROM allocations WHERE case_id = ? AND ended_at IS NULL",
            [case_id],
        ).fetchall()
        return frozenset(row[0] for row in rows)

    def allocations(self, practitioner_id: str) -> dict[str, str]:
        """Return the live allocations of a practitioner: case id to allocation id."""
        rows = self._conn.execute(
            "SELECT case_id, allocation_id FROM allocations"
            " WHERE practitioner_id = ? AND ended_at IS NULL ORDER BY case_id",
            [practitioner_id],
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def ended_allocations(self, practitioner_id: str) -> list[str]:
        """Return the case ids whose allocation to a practitioner has ended."""
        rows = self._conn.execute(
            "SELECT case_id FROM allocations WHERE practitioner_id = ? AND ended_at IS NOT NULL"
            " ORDER BY case_id",
            [practitioner_id],
        ).fetchall()
        return [row[0] for row in rows]

    def add_device(self, device: DeviceRecord) -> None:
        """Store a newly signed-in device."""
        self._conn.execute(
            "INSERT INTO devices (id, practitioner_id, name, token_hash, created_at,"
            " last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            [device.id, device.practitioner_id, device.name, device.token_hash,
             device.created_at, device.created_at],
        )  # fmt: skip

    def device_session(self, token_hash: str) -> DeviceSession | None:
        """Return the live device holding this token hash, or None if unknown or revoked."""
        row = self._conn.execute(
            f"SELECT d.id, d.last_seen_at, {_PRACTITIONER_COLUMNS}"
            " FROM devices d JOIN practitioners p ON p.id = d.practitioner_id"
            " WHERE d.token_hash = ? AND d.revoked_at IS NULL",
            [token_hash],
        ).fetchone()
        return None if row is None else DeviceSession(row[0], _practitioner(row[2:]), row[1])

    def touch_device(self, device_id: str, at: str) -> None:
        """Record that the device was seen now."""
        self._conn.execute("UPDATE devices SET last_seen_at = ? WHERE id = ?", [at, device_id])

    def revoke_device(self, device_id: str, at: str) -> bool:
        """Revoke a device at once; return False when there is no live device with this id."""
        cursor = self._conn.execute(
            "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [at, device_id],
        )
        return cursor.rowcount == 1

    def revoked_token(self, token_hash: str) -> bool:
        """Return True when this token hash belongs to a revoked device."""
        row = self._conn.execute(
            "SELECT 1 FROM devices WHERE token_hash = ? AND revoked_at IS NOT NULL", [token_hash]
        ).fetchone()
        return row is not None

    def devices(self, practitioner_id: str | None = None) -> list[DeviceListing]:
        """Return every device (or one practitioner's), oldest first."""
        where, params = (
            ("WHERE d.practitioner_id = ?", [practitioner_id]) if practitioner_id else ("", [])
        )
        rows = self._conn.execute(
            "SELECT d.id, p.username, d.name, d.created_at, d.last_seen_at, d.revoked_at"
            f" FROM devices d JOIN practitioners p ON p.id = d.practitioner_id {where}"
            " ORDER BY d.created_at, d.id",
            params,
        ).fetchall()
        return [DeviceListing(*row) for row in rows]

    def revoke_practitioner(self, practitioner_id: str, at: str) -> list[str]:
        """Refuse a practitioner's sign-in and revoke their live devices; return those ids.
        Call it inside the caller's transaction, so all of it happens or none."""
        self._conn.execute(
            "UPDATE practitioners SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [at, practitioner_id],
        )
        live = [
            row[0]
            for row in self._conn.execute(
                "SELECT id FROM devices WHERE practitioner_id = ? AND revoked_at IS NULL"
                " ORDER BY created_at, id",
                [practitioner_id],
            ).fetchall()
        ]
        for device_id in live:
            self.revoke_device(device_id, at)
        return live

    def practitioner_revoked(self, practitioner_id: str) -> bool:
        """Return True when the practitioner's access has been revoked."""
        row = self._conn.execute(
            "SELECT 1 FROM practitioners WHERE id = ? AND revoked_at IS NOT NULL",
            [practitioner_id],
        ).fetchone()
        return row is not None

    def transaction(self) -> AbstractContextManager[None]:
        """Open a write transaction (each backend's repository provides it)."""
        raise NotImplementedError

    def add_audit(self, event: AuditEvent) -> None:
        """Append one audit row chained to the last, in a write transaction (under the lock)."""
        with self.transaction():
            append_audit_row(self._conn, event)

    def audit_chain(self) -> list[AuditRow]:
        """Return every audit row with its chain hashes, in id order."""
        rows = self._conn.execute(
            "SELECT id, at, actor_id, device_id, action, subject_type, subject_id, prev_hash,"
            " hash FROM audit_log ORDER BY id"
        ).fetchall()
        return [AuditRow(row[0], AuditEvent(*row[1:7]), row[7], row[8]) for row in rows]

    def audit_events(self, action: str | None = None) -> list[AuditEvent]:
        """Return audit rows, oldest first, optionally only one action."""
        where, params = ("WHERE action = ?", [action]) if action else ("", [])
        rows = self._conn.execute(
            "SELECT at, actor_id, device_id, action, subject_type, subject_id"
            f" FROM audit_log {where} ORDER BY id",
            params,
        )
        return [AuditEvent(*row) for row in rows]
