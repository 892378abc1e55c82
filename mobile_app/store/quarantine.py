"""Versions set aside: a row that cannot be opened is moved here, exactly as it was.

One damaged row (a flipped bit, an edited column) must not stop the device: it leaves the
`versions` table and the outbox, so listing, recording and sync go on without it, and lands
here with why and when. Nothing is deleted: its ciphertext, clear columns and any sync issue
stay, byte for byte, for the practitioner's IT team. Whether the server holds a copy is
decided from what the server acknowledged (a server_seq, or a synced or conflict state): a
version that was only waiting to be sent has no copy there.
"""

from dataclasses import dataclass

from sqlite_utils import Database

from shared.clock import iso, utc_now

_MOVED = (
    "version_id, record_id, record_type, case_id, replaces_version_id, also_replaces, state, "
    "server_seq, ciphertext"
)
_ACKNOWLEDGED = ("synced", "conflict")  # records.SyncState values the server acknowledged


@dataclass(frozen=True)
class SetAside:
    """One version set aside, with what the device knows about it without opening it."""

    version_id: str
    record_type: str
    case_id: str
    server_has_copy: bool
    was_waiting: bool  # it was in the outbox, waiting to be sent
    reason: str
    found_at: str
    restore_asked: bool
    restored: bool  # the server's copy has since been fetched again


class QuarantineStore:
    """Moves unreadable versions out of the way and lists them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def set_aside(self, version_id: str, reason: str) -> None:
        """Move a version's row (and its outbox place and sync issue) here, unchanged."""
        with self._db.atomic():
            waiting = self._db.execute(
                "SELECT COUNT(*) FROM outbox WHERE version_id = ?", [version_id]
            ).fetchone()[0]
            issue = self._db.execute(
                "SELECT ciphertext FROM sync_issues WHERE version_id = ?", [version_id]
            ).fetchone()
            moved = self._db.execute(
                f"INSERT OR REPLACE INTO quarantine ({_MOVED}, was_waiting, issue_ciphertext, "
                f"reason, found_at) SELECT {_MOVED}, ?, ?, ?, ? FROM versions WHERE version_id = ?",
                [int(waiting > 0), issue[0] if issue else None, reason, iso(utc_now()), version_id],
            ).rowcount
            if not moved:
                return
            for table in ("outbox", "sync_issues", "versions"):
                self._db.execute(f"DELETE FROM {table} WHERE version_id = ?", [version_id])

    def entries(self) -> list[SetAside]:
        """Every version set aside, oldest first."""
        rows = self._db.execute(
            "SELECT q.version_id, q.record_type, q.case_id, q.state, q.server_seq, "
            "q.was_waiting, q.reason, q.found_at, q.restore_asked_at, v.version_id "
            "FROM quarantine q LEFT JOIN versions v ON v.version_id = q.version_id "
            "ORDER BY q.rowid"
        ).fetchall()
        return [
            SetAside(
                version_id=r[0],
                record_type=r[1],
                case_id=r[2],
                server_has_copy=r[3] in _ACKNOWLEDGED or r[4] is not None,
                was_waiting=bool(r[5]),
                reason=r[6],
                found_at=r[7],
                restore_asked=r[8] is not None,
                restored=r[9] is not None,
            )
            for r in rows
        ]

    def ask_restore(self) -> int:
        """Mark every set-aside version the server holds as to be fetched again; return how
        many. The caller rewinds the pull cursor so the next pull brings them back."""
        with self._db.atomic():
            cursor = self._db.execute(
                "UPDATE quarantine SET restore_asked_at = ? WHERE restore_asked_at IS NULL "
                "AND (state IN (?, ?) OR server_seq IS NOT NULL) "
                "AND version_id NOT IN (SELECT version_id FROM versions)",
                [iso(utc_now()), *_ACKNOWLEDGED],
            )
        return int(cursor.rowcount)
