"""The stored record of a transfer (issue 13): its facts, and its line in the chronology.

A transfer made on the server becomes two ordinary versions, made by whoever transferred the
case: a transfer_out record with the facts (reason, date, from team, to team, housing provider
told and who was told) that every later pack reads, and a chronology entry of type
transfer_out, so the case's chronology shows the move where it happened. Both sync to those
in scope like any record; the receiving team's first pull brings them.
"""

from datetime import datetime

from shared.handover import TransferPack, TransferRequest
from shared.ids import new_id
from shared.models import ChronologyEntry, Practitioner, ReceivingAgency, TransferOut
from shared.protocol import RecordVersion
from shared.vocabulary import EventType, InformationSource, Significance, YesNoNotApplicable

_LONG = 4000
_HOUSING = {
    YesNoNotApplicable.YES: "told",
    YesNoNotApplicable.NO: "not told",
    YesNoNotApplicable.NOT_APPLICABLE: "not applicable",
}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def housing_words(informed: YesNoNotApplicable, told: str) -> str:
    """Say whether the housing provider was told, and who, as the record shows it."""
    words = f"Housing provider {_HOUSING[informed]}"
    return f"{words} ({told})" if told else words


def _concerns(pack: TransferPack) -> str:
    lines = [f"{c.event_datetime:%d %b %Y}: {c.summary}" for c in pack.summary_of_concerns]
    return _clip("; ".join(lines), _LONG) or "No significant or serious events recorded."


def _involvement(pack: TransferPack) -> str:
    people = [
        f"{i.practitioner.name} ({i.practitioner.role}, {i.practitioner.agency})"
        for i in pack.current_involvement
    ]
    return _clip("; ".join(people), _LONG) or "Nobody recorded as involved."


def transfer_versions(
    sender: Practitioner,
    receiver: Practitioner,
    request: TransferRequest,
    pack: TransferPack,
    at: datetime,
) -> list[RecordVersion]:
    """Return the transfer_out record and its chronology entry, made by the sender at `at`."""
    case_id = pack.family.case_id
    child_ids = tuple(child.child_id for child in pack.children)
    told = request.housing_provider_told.strip()
    facts = TransferOut(
        child_ids=child_ids,
        started_at=at,
        summary_of_concerns=_concerns(pack),
        current_health_involvement=_involvement(pack),
        receiving_agency=ReceivingAgency(
            name=_clip(f"{receiver.agency.value}, {receiver.team}", 200),
            contact=_clip(receiver.display_name, 200),
        ),
        notified_at=at,  # the receiver is allocated, so told, in the same step
        housing_provider_informed=request.housing_provider_informed,
        reason=request.reason,
        from_team=sender.team,
        to_team=receiver.team,
        to_practitioner_id=receiver.id,
        housing_provider_told=told,
    )
    summary = (
        f"Case transferred from {sender.team} to {receiver.team} ({receiver.display_name}). "
        f"Reason: {request.reason}"
    )
    entry = ChronologyEntry(
        child_ids=child_ids,
        event_datetime=at,
        source_agency=sender.agency,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=sender.id,
        author_role=sender.role,
        event_type=EventType.TRANSFER_OUT,
        summary=_clip(summary, 1000),
        action_taken=_clip(
            f"Transfer pack {pack.pack_id} sent. "
            f"{housing_words(request.housing_provider_informed, told)}.",
            _LONG,
        ),
        significance=Significance.CONTEXTUAL,  # a move, not a concern about the child
    )
    return [
        RecordVersion(
            version_id=new_id(),
            record_id=new_id(),
            case_id=case_id,
            device_time=at,
            payload=payload,
        )
        for payload in (facts, entry)
    ]
