"""A record's versions as this device holds them: oldest first, who made each one, when and
why, and which ones compete (two edits of one version, made apart, not yet resolved).

Nothing is ever overwritten: an amendment, a withdrawal and an "entered in error" mark are
versions that name the one they replace, and a resolution names every competing head.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from mobile_app.errors import MobileError
from mobile_app.services.offers import offered
from mobile_app.services.records import RecordService
from mobile_app.services.supervision.review_wording import describe
from mobile_app.services.sync.form_errors import form_error_text
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore, StoredVersion, SyncState
from shared.models import ChronologyEntry, Practitioner
from shared.models.review import ReviewAction, ReviewDecision
from shared.protocol import PulledVersion, RecordVersion
from shared.rules.permissions import Act
from shared.vocabulary import Lifecycle, Role

YOU = "You"


def author_label(version: RecordVersion, me_id: str | None) -> str:
    """Say who made a version: "You", else the author's role and agency as far as known."""
    if not isinstance(version, PulledVersion) or version.author_id == me_id:
        return YOU  # a version not from the server was made on this device, by its user
    payload = version.payload
    agency = label(version.author_agency)
    if isinstance(payload, ChronologyEntry) and payload.author_id == version.author_id:
        return f"{label(payload.author_role)}, {agency}"
    return agency


def version_text(version: RecordVersion) -> str:
    """What a version says, in one line: an entry's summary, else what the record is."""
    payload = version.payload
    if isinstance(payload, ChronologyEntry):
        return payload.summary
    return describe(payload)


@dataclass(frozen=True)
class ReviewLine:
    """A supervisor's decision on one version: who, what, why and when."""

    reviewer: str
    action: ReviewAction
    comment: str
    escalation_stage: int | None
    decided_at: datetime
    state: SyncState


@dataclass(frozen=True)
class VersionLine:
    """One version of a record, ready to show in its history."""

    version_id: str
    author: str
    made_at: datetime
    reason: str
    lifecycle: Lifecycle
    replaces: tuple[str, ...]
    is_head: bool
    competing: bool
    state: SyncState
    text: str
    reviews: tuple[ReviewLine, ...] = ()


@dataclass(frozen=True)
class RecordHistory:
    """Every version of one record on this device, oldest first."""

    record_id: str
    record_type: str
    versions: list[VersionLine]

    @property
    def heads(self) -> list[VersionLine]:
        """The versions no other version replaces (two or more: a conflict)."""
        return [line for line in self.versions if line.is_head]

    @property
    def in_conflict(self) -> bool:
        """True when two or more versions compete and a person must resolve them."""
        return len(self.heads) > 1


def _generations(stored: Sequence[StoredVersion]) -> dict[str, int]:
    """Return each version's distance from the first version (a replaced one comes first)."""
    by_id = {s.version.version_id: s.version for s in stored}
    depth: dict[str, int] = {}

    def depth_of(version_id: str) -> int:
        if version_id not in depth:
            depth[version_id] = 0  # guards against a cycle in damaged data
            replaced = [r for r in by_id[version_id].replaced_ids() if r in by_id]
            depth[version_id] = 1 + max((depth_of(r) for r in replaced), default=-1)
        return depth[version_id]

    return {version_id: depth_of(version_id) for version_id in by_id}


def reviewer_label(version: RecordVersion, me_id: str | None) -> str:
    """Say who made a review decision: "You", else "Supervisor" and their agency."""
    if not isinstance(version, PulledVersion) or version.author_id == me_id:
        return YOU
    # Only a supervisor may make a review decision: the server refuses anyone else's.
    return f"{label(Role.SUPERVISOR)}, {label(version.author_agency)}"


class HistoryService:
    """Reads a record's versions, and the reviews of each, from the store."""

    def __init__(self, store: DeviceStore, me_id: str | None = None) -> None:
        self._store = store
        self._me_id = me_id

    def reviews_by_version(self, record_id: str) -> dict[str, tuple[ReviewLine, ...]]:
        """Return the review decisions on each version of the record, oldest first."""
        found: dict[str, list[tuple[ReviewDecision, ReviewLine]]] = {}
        for stored in RecordService(self._store).current("review_decision"):
            decision = stored.version.payload
            if not isinstance(decision, ReviewDecision):
                continue
            if decision.reviewed_record_id != record_id:
                continue
            line = ReviewLine(
                reviewer=reviewer_label(stored.version, self._me_id),
                action=decision.action,
                comment=decision.comment,
                escalation_stage=decision.escalation_stage,
                decided_at=decision.decided_at,
                state=stored.state,
            )
            found.setdefault(decision.reviewed_version_id, []).append((decision, line))
        return {
            version_id: tuple(
                line
                for _, line in sorted(
                    pairs, key=lambda p: (p[0].decided_at, p[0].action.value, p[0].comment)
                )
            )
            for version_id, pairs in found.items()
        }

    def for_record(self, record_id: str) -> RecordHistory:
        """Return every version of the record here, oldest first, competing heads marked,
        each with the supervisors' review decisions on it.

        Raises:
            MobileError: the record is not on this device.
        """
        rows = self._store.records.rows(record_id=record_id)
        if not rows:
            raise MobileError("That record is not on this device: sync, then look again.")
        stored = [self._store.records.get(row.version_id) for row in rows]
        heads = set(self._store.records.head_ids(record_id))
        generation = _generations(stored)
        reviews = self.reviews_by_version(record_id)
        stored.sort(
            key=lambda s: (
                generation[s.version.version_id],
                s.version.device_time,
                s.version.version_id,
            )
        )
        return RecordHistory(
            record_id=record_id,
            record_type=rows[0].record_type,
            versions=[
                VersionLine(
                    version_id=s.version.version_id,
                    author=author_label(s.version, self._me_id),
                    made_at=s.version.device_time,
                    reason=s.version.amend_reason,
                    lifecycle=s.version.lifecycle,
                    replaces=s.version.replaced_ids(),
                    is_head=s.version.version_id in heads,
                    competing=len(heads) > 1 and s.version.version_id in heads,
                    state=s.state,
                    text=version_text(s.version),
                    reviews=reviews.get(s.version.version_id, ()),
                )
                for s in stored
            ],
        )


REASON_MAX = 1000


def _checked_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise MobileError("Give a reason for this change: it is kept with the record's history.")
    if len(text) > REASON_MAX:
        raise MobileError(f"The reason is too long: {REASON_MAX:,} characters at most.")
    return text


def _signed(
    entry: ChronologyEntry, me: Practitioner, summary: str | None = None
) -> ChronologyEntry:
    """The entry as the person changing it signs it, with new text if given."""
    data = entry.model_dump()
    data.update(author_id=me.id, author_role=me.role)
    if summary is not None:
        if not summary.strip():
            raise MobileError("Type the entry's text: it cannot be empty.")
        data["summary"] = summary
    try:
        return ChronologyEntry.model_validate(data)
    except ValidationError as exc:
        raise MobileError(form_error_text(exc)) from None


class EntryRevisions:
    """Changes a chronology entry by adding versions: amend, withdraw, mark, resolve."""

    def __init__(self, store: DeviceStore, me: Practitioner) -> None:
        self._store = store
        self._records = RecordService(store)
        self._me = me

    def _entry(self, version_id: str) -> ChronologyEntry:
        payload = self._store.records.get(version_id).version.payload
        if not isinstance(payload, ChronologyEntry):
            raise MobileError("Only chronology entries can be changed here.")
        return payload

    def _own(self, entry: ChronologyEntry) -> ChronologyEntry:
        # An entry is its author's account: others add to it (a review, a new entry).
        if entry.author_id != self._me.id:
            raise MobileError(
                "Only the person who wrote this entry can change it: add a review or a new "
                "entry instead."
            )
        return entry

    def may_change(self, record_id: str) -> bool:
        """True when this entry is mine to amend, take back or resolve: I made its first version
        (the server refuses anyone else's change)."""
        first = [
            r for r in self._store.records.rows(record_id=record_id) if not r.replaces_version_id
        ]
        author = self._entry(first[0].version_id).author_id if first else None
        return offered(self._me, "chronology_entry", Act.CHANGE, first_author=author)

    def _single_head(self, record_id: str) -> str:
        heads = self._store.records.head_ids(record_id)
        if len(heads) != 1:
            raise MobileError(
                "This entry has competing versions: resolve the conflict before changing it."
            )
        return heads[0]

    def amend(self, record_id: str, summary: str, reason: str) -> RecordVersion:
        """Store a new version of the entry with new text, naming the one it replaces.

        Raises:
            MobileError: no reason, empty or unchanged text, or the entry is in conflict.
        """
        why = _checked_reason(reason)
        current = self._own(self._entry(self._single_head(record_id)))
        if summary.strip() == current.summary:
            raise MobileError("The text is unchanged: change it, or go back.")
        payload = _signed(current, self._me, summary)
        return self._records.amend(record_id, payload, reason=why)

    def take_back(self, record_id: str, lifecycle: Lifecycle, reason: str) -> RecordVersion:
        """Mark the entry withdrawn or entered in error, as a new version with the reason.

        Raises:
            MobileError: no reason, a lifecycle that takes nothing back, or a conflict.
        """
        if lifecycle == Lifecycle.CURRENT:
            raise MobileError("Choose withdrawn or entered in error.")
        why = _checked_reason(reason)
        current = self._own(self._entry(self._single_head(record_id)))
        payload = _signed(current, self._me)
        return self._records.amend(record_id, payload, reason=why, lifecycle=lifecycle)

    def resolve(self, record_id: str, summary: str, reason: str, base_id: str) -> RecordVersion:
        """Resolve a conflict: one version with the chosen text, naming every competing head.

        `base_id` is the competing version whose other details the resolution keeps.

        Raises:
            MobileError: no reason, empty text, no conflict, base_id is not a head, or the
                entry is not mine.
        """
        why = _checked_reason(reason)
        heads = self._store.records.head_ids(record_id)
        if len(heads) < 2:
            raise MobileError("This entry has no conflict to resolve: it was resolved already.")
        if base_id not in heads:
            raise MobileError("Pick one of the competing versions to start from.")
        if not self.may_change(record_id):
            raise MobileError(
                "Only the person who wrote this entry can resolve it: add a new entry instead."
            )
        payload = _signed(self._entry(base_id), self._me, summary)
        return self._records.resolve(record_id, payload, reason=why)
