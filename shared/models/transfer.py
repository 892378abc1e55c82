"""The transfer-out handover when a family moves (docs/domain.md, Transfer; Child Q finding 3)."""

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, RecordTime, ShortText, filled
from shared.vocabulary import YesNoNotApplicable


class AdultSnapshot(DoorstepModel):
    """A significant adult (fathers included) as handed over: the record id and a short label."""

    adult_id: RecordId
    label: ShortText


class ReceivingAgency(DoorstepModel):
    """The agency taking the family on, and how to reach it."""

    name: ShortText
    contact: ShortText


class TransferOut(DoorstepModel):
    """Everything the receiving agency needs on day one: concerns, health, plan, chronology."""

    record_type: Literal["transfer_out"] = "transfer_out"
    schema_version: Literal[1] = 1
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    started_at: RecordTime
    summary_of_concerns: Annotated[
        LongText, filled("summarise the concerns for the receiving agency")
    ]
    current_health_involvement: Annotated[
        LongText, filled("say which health services are involved now")
    ]
    current_plan_snapshot: LongText = ""
    chronology_export_id: RecordId | None = None
    significant_adults_snapshot: tuple[AdultSnapshot, ...] = Field(default=(), max_length=50)
    receiving_agency: ReceivingAgency
    notified_at: RecordTime | None = None
    acknowledged_at: RecordTime | None = None
    housing_provider_informed: YesNoNotApplicable
    # Issue 13: the facts of a transfer made on the server, kept as a record so every later
    # pack and the chronology show them (empty on a transfer_out a device made).
    reason: LongText = ""
    from_team: LongText = ""
    to_team: LongText = ""
    to_practitioner_id: RecordId | None = None
    housing_provider_told: LongText = ""  # who at the housing provider was told

    @model_validator(mode="after")
    def _times_in_order(self) -> Self:
        if self.notified_at is not None and self.notified_at < self.started_at:
            raise ValueError("notified_at: agencies are notified after the transfer starts")
        if self.acknowledged_at is not None:
            if self.notified_at is None:
                raise ValueError("notified_at: give the time the receiving agency was notified")
            if self.acknowledged_at < self.notified_at:
                raise ValueError("acknowledged_at: an acknowledgement comes after notification")
        return self
