"""Same-event links: two or more agencies' chronology entries about one event
(docs/domain.md, Same-event links).

The entries stay separate records; a link only joins them, so each agency's account of the
event is kept as it wrote it. Undoing a link is a new version that withdraws it.
"""

from typing import Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, NonEmptyLongText

MAX_LINKED_ENTRIES = 20


class SameEventLink(DoorstepModel):
    """Says that these chronology entries (by record id) record one and the same event."""

    record_type: Literal["same_event_link"] = "same_event_link"
    schema_version: Literal[1] = 1
    entry_record_ids: tuple[RecordId, ...] = Field(min_length=2, max_length=MAX_LINKED_ENTRIES)
    made_by: RecordId
    reason: NonEmptyLongText

    @model_validator(mode="after")
    def _distinct_entries(self) -> Self:
        if len(set(self.entry_record_ids)) != len(self.entry_record_ids):
            raise ValueError("entry_record_ids: name each entry once")
        return self
