"""Supervision on the device (issue 6): the review queue, review decisions made offline, and
the records returned to their author.

A supervisor never edits an author's record: countersigning, returning or escalating makes a
`review_decision` record of its own, naming the exact version reviewed, queued in the outbox
like any other record. The queue itself is the shared, pure `review_queue` over this device's
current versions, so the device and the server agree on it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from mobile_app.errors import MobileError
from mobile_app.services.offers import offered
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.supervision.review_order import QueueWeights, worker_words
from mobile_app.services.supervision.review_wording import REASONS, describe, waited_text
from mobile_app.services.sync.device_clock import corrected
from mobile_app.services.sync.form_errors import form_error_text
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore, StoredVersion
from shared.models import (
    Child,
    ChronologyEntry,
    CPPlan,
    DecisionRecord,
    Practitioner,
    RecordPayload,
)
from shared.models.review import ReviewAction, ReviewDecision
from shared.protocol import PulledVersion, RecordVersion
from shared.rules import (
    CPPlanInput,
)
from shared.rules.permissions import Act
from shared.supervision import TeamHead, review_queue, reviewed_record

LAST_REVIEW = "last_review_at"
REVIEWED_TYPES = (
    "visit",
    "chronology_entry",
    "significant_adult",
    "decision_record",
    "meeting",
    "transfer_out",
    "escalation",
)


class ReviewRefused(MobileError):
    """The review decision cannot be made; the message says why in plain words."""


@dataclass(frozen=True)
class ReviewRow:
    """One item of the queue, ready to show."""

    record_id: str
    version_id: str
    kind: str
    what: str
    children: str
    child_ids: tuple[str, ...]
    waited: str
    reasons: tuple[str, ...]
    needs_countersignature: bool
    record_type: str = ""
    child_names: tuple[str, ...] = ()  # in the order of child_ids
    author_id: str = ""
    worker: str = ""  # the author in words: their name when this device knows it
    family: str = ""  # "Blackwell family, Bicester"
    recorded_at: datetime | None = None
    significance: int = 0  # 0 nothing of note .. 4 serious (see review_order)
    concern: str = ""  # the significance in words ("" when nothing of note)


@dataclass(frozen=True)
class ReturnedItem:
    """A record of mine a supervisor returned, with what they asked for."""

    record_id: str
    version_id: str
    kind: str
    what: str
    comment: str
    decided_at: datetime
    entry_child_id: str | None = None  # a returned chronology entry: whose chronology holds it


class ReviewService:
    """The signed-in practitioner's side of supervision, read from and written to the store."""

    def __init__(self, store: DeviceStore, me: Practitioner) -> None:
        self._store = store
        self._records = RecordService(store)
        self._me = me

    @property
    def is_supervisor(self) -> bool:
        """True when the signed-in practitioner reviews their team's records."""
        return offered(self._me, "review_decision", Act.CREATE)

    def _author(self, version: RecordVersion) -> tuple[str, datetime]:
        # A version not yet synced was made here: by whoever it is signed by, else by the
        # signed-in practitioner.
        if isinstance(version, PulledVersion):
            return version.author_id, version.recorded_at
        payload = version.payload
        if isinstance(payload, ChronologyEntry):
            return payload.author_id, version.device_time
        if isinstance(payload, DecisionRecord) and version.replaces_version_id is None:
            return payload.decided_by, version.device_time
        return self._me.id, version.device_time

    def _current(self) -> list[StoredVersion]:
        return [s for kind in REVIEWED_TYPES for s in self._records.current(kind)]

    def _head(self, stored: StoredVersion) -> TeamHead | None:
        version = stored.version
        record = reviewed_record(version.record_id, version.payload)
        if record is None:
            return None
        author, recorded_at = self._author(version)
        return TeamHead(
            version_id=version.version_id,
            author_id=author,
            recorded_at=recorded_at,
            lifecycle=version.lifecycle,
            record=record,
        )

    def decisions(self) -> list[ReviewDecision]:
        """Return every review decision on this device."""
        found = (s.version.payload for s in self._records.current("review_decision"))
        return [p for p in found if isinstance(p, ReviewDecision)]

    def decisions_for(self, record_id: str) -> list[ReviewDecision]:
        """Return the review decisions on any version of a record, oldest first (its history)."""
        mine = [d for d in self.decisions() if d.reviewed_record_id == record_id]
        return sorted(mine, key=lambda d: (d.decided_at, d.reviewed_version_id, d.action.value))

    def _plans(self) -> list[CPPlanInput]:
        return [
            CPPlanInput.from_record(s.version.record_id, s.version.payload)
            for s in self._records.current("cp_plan")
            if isinstance(s.version.payload, CPPlan)
        ]

    def _child_names(self) -> dict[str, str]:
        return {
            s.version.record_id: f"{s.version.payload.given_name} {s.version.payload.family_name}"
            for s in self._records.current("child")
            if isinstance(s.version.payload, Child)
        }

    def last_review_at(self) -> datetime | None:
        """Return when I last marked the queue reviewed, or None for never."""
        stored = self._store.settings.get(LAST_REVIEW)
        return datetime.fromisoformat(stored) if isinstance(stored, str) else None

    def finish_review(self, now: datetime) -> None:
        """Mark everything recorded until now as seen: only newer records count as new."""
        self._store.settings.put(LAST_REVIEW, now.isoformat())

    def queue(self, now: datetime, workers: Mapping[str, str] | None = None) -> list[ReviewRow]:
        """Return my review queue, oldest first; empty for anyone but a supervisor.

        `workers` names authors by id (the team as the server last told this device); an
        author it does not name is said by their agency.
        """
        if not self.is_supervisor:
            return []
        stored = self._current()
        heads = [h for h in (self._head(s) for s in stored) if h is not None]
        by_version = {s.version.version_id: s.version for s in stored}
        payloads = {v: version.payload for v, version in by_version.items()}
        names = self._child_names()
        families = self._families()
        weights = QueueWeights(self._records)
        items = review_queue(
            heads,
            self.decisions(),
            self._plans(),
            supervisor_id=self._me.id,
            last_review_at=self.last_review_at(),
            now=now,
        )
        return [
            ReviewRow(
                record_id=item.record_id,
                version_id=item.version_id,
                kind=label(item.record_type),
                what=describe(payloads[item.version_id]),
                children=", ".join(_named(item.child_ids, names)),
                child_names=_named(item.child_ids, names),
                child_ids=item.child_ids,
                waited=waited_text(item.waited),
                reasons=tuple(REASONS[r] for r in item.reasons),
                needs_countersignature=item.needs_countersignature,
                record_type=item.record_type,
                author_id=item.author_id,
                worker=worker_words(item.author_id, by_version[item.version_id], workers or {}),
                family=families.get(by_version[item.version_id].case_id, ""),
                recorded_at=item.recorded_at,
                significance=weights.rank(item.record_id, payloads[item.version_id]),
                concern=weights.words(item.record_id, payloads[item.version_id]),
            )
            for item in items
        ]

    def _families(self) -> dict[str, str]:
        return {
            case.case_id: f"{case.family.family_name} family, {case.family.address.town}"
            for case in self._records.caseload()
        }

    def countersign(self, version_id: str, now: datetime, comment: str = "") -> RecordVersion:
        """Countersign one version; the decision waits in the outbox until the next sync."""
        return self._decide(version_id, ReviewAction.COUNTERSIGN, now, comment, None)

    def return_to_author(self, version_id: str, now: datetime, comment: str) -> RecordVersion:
        """Return one version to its author with a comment saying what to change.

        Raises:
            ReviewRefused: no comment, or the version cannot be reviewed here.
        """
        return self._decide(version_id, ReviewAction.RETURN, now, comment, None)

    def escalate(self, version_id: str, now: datetime, comment: str, stage: int) -> RecordVersion:
        """Escalate one version to a stage (1-4) of the escalation ladder, saying why.

        Raises:
            ReviewRefused: no comment, a stage outside 1-4, or the version cannot be reviewed.
        """
        if not 1 <= stage <= 4:
            raise ReviewRefused("escalation_stage: choose a stage from 1 to 4.")
        return self._decide(version_id, ReviewAction.ESCALATE, now, comment, stage)

    def _decide(
        self,
        version_id: str,
        action: ReviewAction,
        now: datetime,
        comment: str,
        stage: int | None,
    ) -> RecordVersion:
        if not self.is_supervisor:
            raise ReviewRefused("Only a supervisor can review records.")
        comment = comment.strip()
        if action != ReviewAction.COUNTERSIGN and not comment:
            raise ReviewRefused(f"comment: say why you {action.value} this record.")
        target = self._reviewable(version_id)
        try:
            decision = ReviewDecision(
                reviewed_record_id=target.version.record_id,
                reviewed_version_id=version_id,
                action=action,
                comment=comment,
                escalation_stage=stage,
                reviewer_id=self._me.id,
                decided_at=corrected(self._store, now),  # V1: on the server-corrected clock
            )
        except ValidationError as exc:
            raise ReviewRefused(form_error_text(exc)) from None
        record = NewRecord(case_id=target.version.case_id, payload=decision)
        return self._records.record([record])[0]

    def _reviewable(self, version_id: str) -> StoredVersion:
        current = {s.version.version_id: s for s in self._current()}
        target = current.get(version_id)
        if target is None:
            raise ReviewRefused(
                "That record has changed or left this device: open the queue again."
            )
        if self._author(target.version)[0] == self._me.id:
            raise ReviewRefused("You cannot review a record you wrote.")
        return target

    def returned_to_me(self) -> list[ReturnedItem]:
        """Return my records whose current version a supervisor returned, newest return first."""
        mine = {
            s.version.version_id: s
            for s in self._current()
            if self._author(s.version)[0] == self._me.id
        }
        out = [
            ReturnedItem(
                record_id=d.reviewed_record_id,
                version_id=d.reviewed_version_id,
                kind=label(mine[d.reviewed_version_id].version.record_type),
                what=describe(mine[d.reviewed_version_id].version.payload),
                comment=d.comment,
                decided_at=d.decided_at,
                entry_child_id=_entry_child(mine[d.reviewed_version_id].version.payload),
            )
            for d in _returns(self.decisions(), self._me.id)
            if d.reviewed_version_id in mine
        ]
        return sorted(out, key=lambda i: (i.decided_at, i.version_id), reverse=True)


def _named(child_ids: tuple[str, ...], names: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(names.get(c, "A child not on this device") for c in child_ids)


def _entry_child(payload: RecordPayload) -> str | None:
    return payload.child_ids[0] if isinstance(payload, ChronologyEntry) else None


def _returns(decisions: Iterable[ReviewDecision], author_id: str) -> list[ReviewDecision]:
    """Return, per version, the latest review by someone else when that review is a return."""
    latest: dict[str, ReviewDecision] = {}
    for d in decisions:
        if d.reviewer_id == author_id:
            continue
        held = latest.get(d.reviewed_version_id)
        if held is None or (d.decided_at, d.action.value) > (held.decided_at, held.action.value):
            latest[d.reviewed_version_id] = d
    return [d for d in latest.values() if d.action == ReviewAction.RETURN]
