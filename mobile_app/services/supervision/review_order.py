"""The review queue as a supervisor with forty items works through it (issue 12): filtered by
type of record and by worker, and sorted by risk (significance, alerts, plan status) or by age.

Risk first by default: a serious entry on a child with six alerts and a plan comes before a
routine entry that merely waited longer. Age breaks every tie, oldest first.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mobile_app.services.records import RecordService
from mobile_app.services.wording import label
from shared.models import ChecklistResponse, ChronologyEntry, DecisionRecord, RecordPayload, Visit
from shared.protocol import PulledVersion, RecordVersion
from shared.rules import DecisionOption
from shared.vocabulary import ChecklistRating, Significance

if TYPE_CHECKING:
    from mobile_app.services.supervision.review import ReviewRow

RISK, AGE = "risk", "age"
ORDERS = ((RISK, "Highest risk first"), (AGE, "Oldest first"))
KINDS = {
    "visit": "Visits",
    "chronology_entry": "Chronology entries",
    "decision_record": "Decisions",
    "meeting": "Meetings",
    "significant_adult": "Significant adults",
    "transfer_out": "Transfers out",
    "escalation": "Escalations",
}
_ENTRY_RANK = {
    Significance.SERIOUS: 4,
    Significance.SIGNIFICANT: 3,
    Significance.CONTEXTUAL: 1,
    Significance.POSITIVE: 0,
}
_RANK_WORDS = {4: "Serious", 3: "Significant", 2: "Some concern"}
_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ChildRisk:
    """What the caseload knows of a child's risk: open alerts, and whether on a CP plan."""

    alerts: int = 0
    on_plan: bool = False


@dataclass(frozen=True)
class QueueChoice:
    """How the supervisor has filtered and sorted the queue ("" shows every kind or worker)."""

    kind: str = ""
    worker: str = ""
    order: str = RISK


class QueueWeights:
    """How serious a queued record is: an entry's significance, a visit's checklist concerns."""

    def __init__(self, records: RecordService) -> None:
        self._worst: dict[str, ChecklistRating] = {}
        for stored in records.current("checklist_response"):
            response = stored.version.payload
            if isinstance(response, ChecklistResponse) and response.visit_id:
                ratings = {a.rating for a in response.answers}
                for rating in (ChecklistRating.SIGNIFICANT_CONCERN, ChecklistRating.SOME_CONCERN):
                    if rating in ratings and self._rank_of(response.visit_id) < _rating(rating):
                        self._worst[response.visit_id] = rating

    def _rank_of(self, visit_id: str) -> int:
        held = self._worst.get(visit_id)
        return 0 if held is None else _rating(held)

    def rank(self, record_id: str, payload: RecordPayload) -> int:
        """Return 0 (nothing of note) to 4 (serious) for one queued record."""
        match payload:
            case Visit():
                return self._rank_of(record_id)
            case ChronologyEntry():
                return _ENTRY_RANK.get(payload.significance, 0)
            case DecisionRecord():
                return 3 if payload.decision == DecisionOption.NO_ACTION else 1
        return 1

    def words(self, record_id: str, payload: RecordPayload) -> str:
        """Say the record's significance, or "" when it has none worth saying."""
        rank = self.rank(record_id, payload)
        if isinstance(payload, Visit) and rank:
            return f"{_RANK_WORDS[rank]} on the checklist"
        if isinstance(payload, DecisionRecord) and rank == 3:
            return "No action after an incident"
        return _RANK_WORDS.get(rank, "")


def _rating(rating: ChecklistRating) -> int:
    return 3 if rating == ChecklistRating.SIGNIFICANT_CONCERN else 2


def worker_words(author_id: str, version: RecordVersion, workers: Mapping[str, str]) -> str:
    """Name a record's author: by name when known here, else by role and agency, never by id."""
    if author_id in workers:
        return workers[author_id]
    payload = version.payload
    if isinstance(payload, ChronologyEntry) and payload.author_id == author_id:
        agency = label(payload.source_agency)
        return f"A {label(payload.author_role).lower()} in {agency}"
    if isinstance(version, PulledVersion):
        return f"A colleague in {label(version.author_agency)}"
    return "A colleague"


def _risk(row: "ReviewRow", risks: Mapping[str, ChildRisk]) -> tuple[int, int, int]:
    mine = [risks.get(c, ChildRisk()) for c in row.child_ids]
    alerts = max((r.alerts for r in mine), default=0)
    return (row.significance, alerts, int(any(r.on_plan for r in mine)))


def risk_words(row: "ReviewRow", risks: Mapping[str, ChildRisk]) -> str:
    """Say why the row sorts where it does: significance, alerts, plan ("" for none)."""
    _, alerts, on_plan = _risk(row, risks)
    parts = [row.concern] if row.concern else []
    if alerts:
        parts.append("1 alert" if alerts == 1 else f"{alerts} alerts")
    if on_plan:
        parts.append("child protection plan")
    return ". ".join(p[0].upper() + p[1:] for p in parts) + "." if parts else ""


def arrange(
    rows: Iterable["ReviewRow"], choice: QueueChoice, risks: Mapping[str, ChildRisk]
) -> list["ReviewRow"]:
    """Return the rows the choice shows, in its order (age breaks ties, oldest first)."""
    shown = [
        r
        for r in rows
        if (not choice.kind or r.record_type == choice.kind)
        and (not choice.worker or r.author_id == choice.worker)
    ]

    def age(row: "ReviewRow") -> tuple[datetime, str]:
        return (row.recorded_at or _EPOCH, row.version_id)

    if choice.order == AGE:
        return sorted(shown, key=age)
    by_age = sorted(shown, key=age)
    return sorted(by_age, key=lambda r: _risk(r, risks), reverse=True)  # stable: age in ties


def kind_options(rows: Sequence["ReviewRow"]) -> list[tuple[str, str]]:
    """The kinds of record in the queue, each with how many: "Visits (3)"."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.record_type] = counts.get(row.record_type, 0) + 1
    return [("", f"Everything ({len(rows)})")] + [
        (kind, f"{KINDS.get(kind, label(kind))} ({counts[kind]})")
        for kind in KINDS
        if kind in counts
    ]


def worker_options(rows: Sequence["ReviewRow"]) -> list[tuple[str, str]]:
    """The workers whose records wait, each with how many; two alike are told apart."""
    counts: dict[str, int] = {}
    words: dict[str, str] = {}
    for row in rows:
        counts[row.author_id] = counts.get(row.author_id, 0) + 1
        words[row.author_id] = row.worker
    out = [("", f"Everyone ({len(rows)})")]
    seen: dict[str, int] = {}
    for author_id in sorted(words, key=lambda a: (words[a], a)):
        name = words[author_id]
        seen[name] = seen.get(name, 0) + 1
        told = name if seen[name] == 1 else f"{name} (another)"
        out.append((author_id, f"{told} ({counts[author_id]})"))
    return out
