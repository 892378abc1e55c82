"""The sync protocol: what a device pushes, what the server answers, what a device pulls.

Every record version has its own id, made on the device. A record's first version has no
`replaces_version_id`; an edit names the version it replaces. A version is immutable: the
server accepts a resubmission of the same version id only when it is identical.
"""

from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.ids import RecordId
from shared.models import Practitioner, RecordPayload
from shared.vocabulary import Agency

PROTOCOL_VERSION = 1
MAX_PUSH_ITEMS = 2000
MAX_PULL_LIMIT = 2000


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordVersion(_Message):
    """One immutable version of one record, as the device made it."""

    schema_version: Literal[1] = 1
    version_id: RecordId
    record_id: RecordId
    replaces_version_id: RecordId | None = None
    case_id: RecordId
    device_time: AwareDatetime
    payload: RecordPayload

    @property
    def record_type(self) -> str:
        """The kind of record this version is, taken from its payload."""
        return self.payload.record_type


class PushRequest(_Message):
    """A batch of record versions from one device, pushed in outbox order."""

    protocol_version: Literal[1] = 1
    items: list[RecordVersion] = Field(max_length=MAX_PUSH_ITEMS)


class ItemStatus(StrEnum):
    """What the server did with one pushed version."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class PushItemResult(_Message):
    """The server's answer for one pushed version.

    `conflict` means the version was stored, but another version already replaces the same
    base: both are kept and a person must resolve them. `rejected` names the field at fault.
    """

    version_id: str
    status: ItemStatus
    server_seq: int | None = None
    field: str | None = None
    message: str | None = None
    conflicting_version_ids: list[str] = Field(default_factory=list)


class PushResponse(_Message):
    """One result per pushed item, in the order pushed."""

    protocol_version: Literal[1] = 1
    results: list[PushItemResult]


class PulledVersion(RecordVersion):
    """A record version as the server holds it: with its sequence, author and receipt time."""

    server_seq: int
    author_id: str
    author_agency: Agency
    recorded_at: AwareDatetime


class PullResponse(_Message):
    """A page of versions after the device's cursor, oldest first."""

    protocol_version: Literal[1] = 1
    items: list[PulledVersion]
    next_cursor: int
    has_more: bool


class LoginRequest(_Message):
    """Sign-in from a device: the device gets its own token."""

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    device_name: str = Field(min_length=1, max_length=100)


class LoginResponse(_Message):
    """A device token (shown once) and who it signs in."""

    token: str
    device_id: str
    practitioner: Practitioner


class ErrorBody(_Message):
    """Every 4xx and 5xx answer: a stable code, a plain message, and details."""

    code: str
    message: str
    details: dict[str, Any] | list[Any] = Field(default_factory=dict)


class ChronologyItem(_Message):
    """One entry on a child's merged chronology, with who wrote it and from which agency."""

    version_id: str
    record_id: str
    case_id: str
    event_datetime: AwareDatetime
    event_date_precision: str
    event_type: str
    summary: str
    significance: str
    source_agency: str
    information_source: str
    action_taken: str
    no_action_reason: str
    author_id: str
    author_name: str
    author_role: str
    recorded_at: AwareDatetime
    version_count: int
    in_conflict: bool


class ChronologyResponse(_Message):
    """A child's chronology: the current version of every entry, ordered by event time."""

    child_id: str
    entries: list[ChronologyItem]
