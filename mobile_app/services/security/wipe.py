"""Crypto-shred: destroy this device's keys and data, after too many wrong passphrases or when
the organisation withdraws the device.

Order matters: the unsynced work is counted first (outbox and drafts are sealed, but their rows
can be counted without a key), so the person can be told plainly what was lost. Then the device
secret and the wrapped data key are destroyed, which makes every ciphertext unreadable for good;
then the content rows are deleted (freed pages are zeroed: secure_delete is on) and the
database files removed.
"""

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from mobile_app.services.visits.form_drafts import FORM_DRAFT_PREFIX
from mobile_app.store.database import database_exists, database_files, open_database
from mobile_app.store.device_secret import DeviceSecretStore
from mobile_app.store.keyring import destroy_keyring

WITHDRAWN = "This device was withdrawn by your organisation; its data has been removed."
# Children before parents: outbox and sync_issues refer to versions.
_CONTENT_TABLES = (
    "outbox",
    "sync_issues",
    "drafts",
    "settings",
    "versions",
    "scope",
    "sync_cursor",
)


@dataclass(frozen=True)
class WipeReport:
    """What unsynced work was on the device when it was erased."""

    unsynced: int = 0
    drafts: int = 0

    def lost(self) -> str:
        """Say plainly what was lost."""
        if not self.unsynced and not self.drafts:
            return "No unsynced work was lost."
        parts = []
        if self.unsynced:
            parts.append(f"{self.unsynced} unsynced record{'s' if self.unsynced != 1 else ''}")
        if self.drafts:
            parts.append(f"{self.drafts} unfinished draft{'s' if self.drafts != 1 else ''}")
        return f"{' and '.join(parts)} that had not reached the server {_were(self)} lost."


def _were(report: WipeReport) -> str:
    return "was" if report.unsynced + report.drafts == 1 else "were"


def count_unsynced(db: Database) -> WipeReport:
    """Count the work that has not reached the server (rows only: no key is needed).

    Visits being written are rows of the drafts table; every other form being written (notes,
    decisions, plan outcomes, meetings, amendments, review comments) is a settings row whose
    clear name starts with the form drafts' prefix.
    """
    visits = db.execute("SELECT count(*) FROM drafts").fetchone()[0]
    forms = db.execute(
        "SELECT count(*) FROM settings WHERE substr(name, 1, ?) = ?",
        [len(FORM_DRAFT_PREFIX) + 1, f"{FORM_DRAFT_PREFIX}/"],
    ).fetchone()[0]
    return WipeReport(
        unsynced=db.execute("SELECT count(*) FROM outbox").fetchone()[0],
        drafts=int(visits) + int(forms),
    )


def wipe_device(data_dir: Path, secrets: DeviceSecretStore) -> WipeReport:
    """Destroy the device secret, the wrapped key and the data in data_dir; say what was lost."""
    if not database_exists(data_dir):
        return WipeReport()
    db = open_database(data_dir)
    try:
        report = count_unsynced(db)
        destroy_keyring(db, secrets)
        with db.atomic():
            for table in _CONTENT_TABLES:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names above
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    for path in database_files(data_dir):
        # Another thread may still hold the file open (Windows refuses then): its content is
        # already deleted and unreadable, so the empty file may stay until the next set-up.
        with contextlib.suppress(OSError):
            path.unlink()
    return report
