"""Records set aside so sync never gets stuck, in plain words, and what the practitioner can do.

Two kinds: a copy on this device that cannot be opened (damaged or altered; store.quarantine)
and a record the server kept failing on (held back in the outbox). Whether the server has a
copy of a damaged record is said only from what the server acknowledged: a record that was
only waiting to be sent is never called safe on the server.
"""

from datetime import datetime

from mobile_app.services.sync.issues import SyncIssue
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore
from mobile_app.store.quarantine import SetAside

DAMAGED = "set_aside"
HELD = "held"

SERVER_HAS_COPY = (
    "The server has a copy: this record was synced before the damage was found, so nothing is lost."
)
NO_SERVER_COPY = (
    "The server never confirmed receiving it, so there is no copy there you can rely on."
)
RESTORE_ADVICE = (
    "Choose “Get the server's copies” (or run `restore` on a headless device), then sync: "
    "the server's copy comes back to this device. Nothing needs recording again."
)
RERECORD_ADVICE = (
    "Record it again from your paper notes, as soon as you can. The damaged copy is kept on "
    "this device, unopened, for your IT team; tell them it was set aside."
)
HELD_ADVICE = (
    "It is kept on this device. Choose “Try sending again” (or run `retry` on a headless "
    "device) later; if the server keeps failing on it, tell your system administrator."
)


def _when(moment: str) -> str:
    return datetime.fromisoformat(moment).astimezone().strftime("%d %b %Y %H:%M")


def _damaged(entry: SetAside) -> SyncIssue:
    kind = label(entry.record_type)
    title = f"{kind}: set aside on {_when(entry.found_at)}, it could not be opened"
    detail = (
        "The copy on this device is damaged or was altered, so it was set aside; your other "
        "records are unaffected. "
    )
    if not entry.server_has_copy:
        return SyncIssue(entry.version_id, DAMAGED, title, detail + NO_SERVER_COPY, RERECORD_ADVICE)
    if entry.restore_asked:
        advice = "Sync now: the server's copy comes back to this device at the next sync."
        return SyncIssue(entry.version_id, DAMAGED, title, detail + SERVER_HAS_COPY, advice)
    return SyncIssue(entry.version_id, DAMAGED, title, detail + SERVER_HAS_COPY, RESTORE_ADVICE)


def set_aside_issues(store: DeviceStore) -> list[SyncIssue]:
    """Every record set aside on this device, damaged ones first, each with what to do."""
    # A restored record is whole again: it stays in the quarantine table, not in this list.
    entries = store.records.quarantine.entries()
    out = [_damaged(entry) for entry in entries if not entry.restored]
    held = set(store.outbox.held())
    for row in store.records.rows():
        if row.version_id in held:
            title = f"{label(row.record_type)}: not sent, the server kept failing on it"
            detail = "The server had a problem with this record each time it was sent."
            out.append(SyncIssue(row.version_id, HELD, title, detail, HELD_ADVICE))
    return out


def restore_server_copies(store: DeviceStore) -> int:
    """Ask for the server's copies of damaged records back; return how many. The pull cursor
    goes back to the start, so the next sync fetches them (merging is idempotent)."""
    with store.atomic():
        asked = store.records.quarantine.ask_restore()
        if asked:
            store.cursor.rewind()
    return asked


def retry_held(store: DeviceStore) -> int:
    """Let records the server kept failing on be sent again at the next sync; return how many."""
    return store.outbox.release_held()
