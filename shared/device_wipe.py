"""A withdrawn device confirming that it destroyed its keys and data: what it sends and what the
server answers. Counts only, never content: the server learns how much unsynced work was lost,
not what it was.
"""

from pydantic import BaseModel, ConfigDict, Field

# A bound, not a quota: no phone holds more, and an absurd number is refused, not stored.
MAX_LOST_COUNT = 10_000_000


class WipeConfirmation(BaseModel):
    """Sent by a withdrawn device once its keys and data are gone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unsynced_records: int = Field(ge=0, le=MAX_LOST_COUNT)
    unfinished_drafts: int = Field(default=0, ge=0, le=MAX_LOST_COUNT)


class WipeConfirmed(BaseModel):
    """The server's record of a device's wipe: the first confirmation, which replays repeat."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    device_id: str
    confirmed_at: str
    unsynced_records: int
    unfinished_drafts: int
