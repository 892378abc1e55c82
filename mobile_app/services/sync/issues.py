"""Conflicts and refusals from past syncs, each with what the practitioner should do."""

from dataclasses import dataclass

from pydantic import ValidationError

from mobile_app.errors import StoreError
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore
from shared.protocol import ItemStatus, PushItemResult
from shared.rules.handover import is_transfer_refusal

CONFLICT_ADVICE = (
    "Someone changed this record at the same time as you. Both versions are kept on the server: "
    "ask your supervisor to check them and confirm the right one."
)
TRANSFER_ADVICE = (
    "It is still on this device. Your supervisor can check it and forward it to the receiving "
    "team from this device."
)
REJECTED_ADVICE = (
    "The server did not accept this record. It is still on this device. Tell your supervisor "
    "or the system administrator, and record the missing detail again if it is needed."
)


# The parts of a record a refusal can name, in a practitioner's words (never a field name).
FIELD_WORDS = {
    "case_id": "The case",
    "record_id": "The record",
    "version_id": "This version",
    "base_version_id": "The version it changes",
    "event_datetime": "When it happened",
    "start": "When the visit started",
    "end": "When the visit ended",
    "late_entry_reason": "Why it was recorded late",
    "summary": "The summary",
    "child_ids": "The children it is about",
    "author_id": "Who wrote it",
}


def field_words(field: str) -> str:
    """Say which part of a record a refusal is about, in plain words."""
    name = field.rsplit(".", 1)[-1]
    return FIELD_WORDS.get(name) or name.replace("_", " ").capitalize()


def refusal_words(field: str | None, message: str | None) -> str:
    """The server's reason for refusing a version, as the app and the CLI both say it."""
    text = (message or "").strip()
    if not field:
        return text
    return f"{field_words(field)}: {text}" if text else field_words(field)


@dataclass(frozen=True)
class SyncIssue:
    """One record the server put in conflict or refused, in plain words."""

    version_id: str
    status: str
    title: str
    detail: str
    advice: str


def _title(store: DeviceStore, version_id: str, status: str) -> str:
    try:
        version = store.records.get(version_id).version
    except StoreError:
        return f"A record ({status})"
    when = version.device_time.astimezone().strftime("%d %b %Y %H:%M")
    verb = "in conflict" if status == ItemStatus.CONFLICT else "refused"
    return f"{label(version.record_type)} recorded {when}: {verb}"


def issue_detail(result: PushItemResult) -> str:
    """Return what the server said about a refused or conflicting version, for the user."""
    detail = result.message or ""
    if is_transfer_refusal(detail):  # plain words already: the case moved, to whom and when
        return detail[0].upper() + detail[1:] + "."
    return refusal_words(result.field, result.message)


def sync_issues(store: DeviceStore) -> list[SyncIssue]:
    """Return every stored sync issue, oldest first."""
    out = []
    version_ids = store.sync_issues.keys()
    for version_id in version_ids:
        try:
            result = PushItemResult.model_validate(store.sync_issues.get(version_id))
        except (StoreError, ValidationError):
            out.append(SyncIssue(version_id, "unknown", "A sync problem", "", REJECTED_ADVICE))
            continue
        conflict = result.status == ItemStatus.CONFLICT
        advice = TRANSFER_ADVICE if is_transfer_refusal(result.message) else REJECTED_ADVICE
        detail = issue_detail(result)
        out.append(
            SyncIssue(
                version_id=version_id,
                status=str(result.status),
                title=_title(store, version_id, result.status),
                detail=detail,
                advice=CONFLICT_ADVICE if conflict else advice,
            )
        )
    return out
