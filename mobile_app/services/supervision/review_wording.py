"""Plain words for the review queue: why an item waits, how long, and what the record is."""

from datetime import timedelta

from mobile_app.services.wording import label
from shared.models import (
    ChronologyEntry,
    DecisionRecord,
    Escalation,
    Meeting,
    RecordPayload,
    SignificantAdult,
    TransferOut,
    Visit,
)
from shared.supervision import QueueReason

REASONS: dict[QueueReason, str] = {
    QueueReason.NEW: "New since your last review",
    QueueReason.AMENDED_AFTER_RETURN: "Amended after you returned it",
    QueueReason.STATUTORY_VISIT: "Countersign: statutory visit on a plan",
    QueueReason.NO_ACTION_DECISION: "Countersign: no action after an incident",
    QueueReason.PROFESSIONALS_ONLY_MEETING: "Countersign: professionals-only meeting",
    QueueReason.TRANSFER_OUT: "Countersign: transfer out",
    QueueReason.ESCALATION_CLOSURE: "Countersign: escalation closed",
}
_WHAT_MAX = 160


def waited_text(waited: timedelta) -> str:
    """Say how long an item has waited: hours under two days, days after."""
    hours = int(waited.total_seconds() // 3600)
    if hours < 1:
        return "Waiting less than an hour"
    if hours < 48:
        return f"Waiting {hours} hour{'s' if hours != 1 else ''}"
    return f"Waiting {hours // 24} days"


def describe(payload: RecordPayload) -> str:
    """Say in one line what a reviewed record is."""
    match payload:
        case Visit():
            text = f"{label(payload.visit_type)} on {payload.start:%d %b %Y}"
        case ChronologyEntry():
            kind = label(payload.event_type)
            # A summary that opens with its kind ("Home visit: ...") is not told it twice.
            said = payload.summary.lower().startswith(kind.lower())
            text = payload.summary if said else f"{kind}: {payload.summary}"
        case SignificantAdult():
            text = f"Significant adult: {label(payload.relationship)}"
        case DecisionRecord():
            text = f"Decision: {label(payload.decision)}. {payload.question}"
        case Meeting():
            text = f"{label(payload.meeting_type)} held {payload.held_at:%d %b %Y}"
        case TransferOut():
            text = f"Transfer out to {payload.receiving_agency.name}"
        case Escalation():
            text = f"Escalation stage {payload.stage}: {payload.subject}"
        case _:
            text = label(payload.record_type)
    return text if len(text) <= _WHAT_MAX else text[: _WHAT_MAX - 1] + "…"
