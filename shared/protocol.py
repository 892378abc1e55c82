"""The sync protocol: what a device pushes, what the server answers, what a device pulls.

Every record version has its own id, made on the device. A record's first version has no
`replaces_version_id`; an edit names the version it replaces. A version is immutable: the
server accepts a resubmission of the same version id only when it is identical.
"""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.ids import RecordId
from shared.models import Practitioner, RecordPayload
from shared.models.base import RecordTime
from shared.models.review import ReviewAction
from shared.vocabulary import Agency, DatePrecision, Lifecycle, NeglectType, PlanCompliance

PROTOCOL_VERSION = 1
MAX_PUSH_ITEMS = 2000
MAX_PULL_LIMIT = 2000
# Every server answer carries the server's clock (ISO 8601, UTC) in this header (rule V1).
SERVER_TIME_HEADER = "X-Doorstep-Server-Time"


def server_time(headers: Mapping[str, str]) -> datetime | None:
    """Return the server's clock from an answer's headers, or None if absent or unreadable."""
    raw = headers.get(SERVER_TIME_HEADER)
    try:
        told = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return told if told is not None and told.tzinfo is not None else None


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordVersion(_Message):
    """One immutable version of one record, as the device made it.

    An amendment names the version it replaces and says why. A person resolving a conflict
    makes one version that replaces every competing head: the first in `replaces_version_id`,
    the rest in `also_replaces`. Withdrawing a record, or marking it entered in error, is a
    version too (`lifecycle`): nothing is ever deleted.
    """

    schema_version: Literal[1] = 1
    version_id: RecordId
    record_id: RecordId
    replaces_version_id: RecordId | None = None
    also_replaces: tuple[RecordId, ...] = Field(default=(), max_length=20)
    lifecycle: Lifecycle = Lifecycle.CURRENT
    amend_reason: str = Field(default="", max_length=1000)
    case_id: RecordId
    device_time: RecordTime
    payload: RecordPayload

    @model_validator(mode="after")
    def _history_is_explained(self) -> Self:
        if self.replaces_version_id is None:
            if self.also_replaces:
                raise ValueError(
                    "replaces_version_id: a version resolving a conflict names the first "
                    "version it replaces here"
                )
            if self.lifecycle != Lifecycle.CURRENT:
                raise ValueError(
                    "lifecycle: only an existing record can be withdrawn or marked entered in error"
                )
            return self
        if not self.amend_reason.strip():
            raise ValueError("amend_reason: say why this record is being changed")
        replaced = (self.replaces_version_id, *self.also_replaces)
        if len(set(replaced)) != len(replaced) or self.version_id in replaced:
            raise ValueError("also_replaces: name each replaced version once, never this one")
        return self

    def replaced_ids(self) -> tuple[str, ...]:
        """Every version this one replaces (none for a record's first version)."""
        if self.replaces_version_id is None:
            return ()
        return (self.replaces_version_id, *self.also_replaces)

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

    `conflict` means the version was stored, but another version already replaces one of the
    versions it replaces (`conflicting_version_ids`, in server order): both are kept and a
    person must resolve them. A version replacing every current head of its record resolves
    the conflict and is `accepted`. `rejected` names the field at fault.
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
    recorded_at: RecordTime
    # Issue 13: the team that held the case pushed it after a transfer, recorded before it:
    # the receiving team's devices show it as a late arrival.
    recorded_before_transfer: bool = False


class ScopeCase(_Message):
    """A case the caller may see now, and which allocation of it lets them.

    A device that last saw a different `allocation_id` (or none) for the case must fetch its
    whole history again: its cursor may be past versions it never received.
    """

    case_id: str
    allocation_id: str


class PullResponse(_Message):
    """A page of versions after the device's cursor, oldest first.

    `scope` lists every case the caller may see now (None from servers before scope).
    `left_scope` marks cases whose allocation to the caller has ended: a device removes what
    it holds of them (except its own unsynced versions). Leaving scope is not a deletion:
    the server keeps every version.

    `withdrawn` names records the caller could read before but may not now (a later version
    restricted them): a device removes what it holds of each (except its own unsynced
    versions). It never names a record the caller could not read at some point.
    `read_rules` is the server's read-rules generation (None from servers before it): a
    device that last pulled under another one removes everything it holds from the server
    and pulls again from cursor 0, so nothing read under older rules stays.
    """

    protocol_version: Literal[1] = 1
    items: list[PulledVersion]
    next_cursor: int
    has_more: bool
    scope: list[ScopeCase] | None = None
    left_scope: list[str] = Field(default_factory=list)
    withdrawn: list[str] = Field(default_factory=list)
    read_rules: int | None = None


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
    """One current version of an entry on a merged chronology, with its author and agency.

    The one line shape of a chronology: the server's responses list it, and the app shows it
    (`author_name` there is "You" or the author's role and agency, as far as the device
    knows them; `recorded_at` is when the version reached the device's records).

    A withdrawn or entered-in-error entry is still listed, flagged by `lifecycle`. An entry
    with two or more current versions (an unresolved conflict) lists each, `in_conflict`.
    """

    version_id: str
    record_id: str
    case_id: str
    child_ids: list[str]
    event_datetime: RecordTime
    event_date_precision: DatePrecision
    event_type: str
    summary: str
    significance: str
    neglect_types: list[NeglectType]
    source_agency: str
    information_source: str
    action_taken: str
    no_action_reason: str
    lifecycle: Lifecycle
    amend_reason: str
    author_id: str
    author_name: str
    author_role: str
    author_agency: str
    recorded_at: RecordTime
    version_count: int
    in_conflict: bool
    same_event: list[str] = Field(default_factory=list)  # other entries' record ids, linked
    # Finding 7: the plan outcomes the entry is evidence for, and how far it shows them met.
    linked_plan_outcome_ids: list[str] = Field(default_factory=list)
    plan_compliance: PlanCompliance | None = None
    # A version received from another authority's server: "received from <authority> on <date>".
    received_from: str | None = None
    # Issue 13: pushed after a transfer by the team that held the case, recorded before it.
    recorded_before_transfer: bool = False
    visit_id: str | None = None  # the visit the entry was made from, if any
    # False only on the device that made this version, until the server holds it: every line
    # the server lists is synced.
    synced: bool = True


class ChronologyResponse(_Message):
    """A child's chronology: the current version of every entry, ordered by event time."""

    child_id: str
    entries: list[ChronologyItem]


class CaseChronologyResponse(_Message):
    """A family's chronology: every entry naming any child of the case, each once."""

    case_id: str
    entries: list[ChronologyItem]


class HistoryReview(_Message):
    """A supervisor's review decision on one version: who, what, why and when."""

    review_record_id: str
    action: ReviewAction
    comment: str
    escalation_stage: int | None
    reviewer_id: str
    reviewer_name: str
    reviewer_role: str
    decided_at: RecordTime


class HistoryVersion(_Message):
    """One version of a record as its history shows it: who made it, when, and why, and the
    review decisions naming it (oldest first)."""

    server_seq: int
    version_id: str
    replaces_version_id: str | None
    also_replaces: list[str]
    lifecycle: Lifecycle
    amend_reason: str
    author_id: str
    author_name: str
    author_role: str
    author_agency: str
    recorded_at: RecordTime
    device_time: RecordTime
    is_head: bool
    payload: RecordPayload
    reviews: list[HistoryReview] = Field(default_factory=list)


class RecordHistoryResponse(_Message):
    """Every version of one record, oldest first (server order); heads are its current ones."""

    record_id: str
    case_id: str
    record_type: str
    in_conflict: bool
    versions: list[HistoryVersion]
