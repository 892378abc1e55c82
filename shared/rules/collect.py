"""Filing records' current versions into the rules' inputs, and sharing them out per child.

The app and the server each read their own store for the current (head) versions of a
family's records; both file them here, so both hand the rules the same `CaseRecords`. A "no
action" decision counts as countersigned when a supervisor's review decision countersigns its
current version (issue 6).

Not exported from `shared.rules`: it imports `shared.supervision.queue`, which imports the
rules' own modules.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shared.models import (
    Child,
    ChronologyEntry,
    CPPlan,
    DecisionRecord,
    Escalation,
    Meeting,
    RecordPayload,
    SignificantAdult,
    TransferOut,
    Visit,
)
from shared.models.review import ReviewDecision
from shared.rules.inputs import (
    AdultRecord,
    CaseRecords,
    CPPlanInput,
    DecisionInput,
    EntryRecord,
    EscalationInput,
    MeetingInput,
    TransferOutInput,
    VisitProgress,
    VisitRecord,
)
from shared.supervision.queue import countersigned


@dataclass(frozen=True, slots=True)
class _DecisionHead:
    decision: DecisionInput
    version_id: str
    author_id: str


@dataclass
class CaseInputs:
    """Every rule input among a family's records, before they are shared out per child.

    `progress` (A1) is only known on the device, which sets it before `for_child`.
    """

    visits: list[VisitRecord] = field(default_factory=list)
    progress: list[VisitProgress] = field(default_factory=list)
    entries: list[EntryRecord] = field(default_factory=list)
    adults: list[AdultRecord] = field(default_factory=list)
    plans: list[CPPlanInput] = field(default_factory=list)
    meetings: list[MeetingInput] = field(default_factory=list)
    reviews: list[ReviewDecision] = field(default_factory=list)
    escalations: list[tuple[str, Escalation]] = field(default_factory=list)
    transfers: list[TransferOutInput] = field(default_factory=list)
    _decisions: list[_DecisionHead] = field(default_factory=list)
    _signed: list[DecisionInput] | None = None

    def add(
        self,
        record_id: str,
        version_id: str,
        payload: RecordPayload,
        first_recorded_at: datetime,
        author_id: str | None = None,
    ) -> None:
        """File one current version under its kind (kinds the rules do not read are skipped).

        Args:
            record_id: The record's id.
            version_id: This version's id (a review countersigns one version).
            payload: The version's record.
            first_recorded_at: When the record's first version was made: an entry's clock.
            author_id: Who made this version; None where it is not kept (the device), when a
                decision's decider stands for its author.
        """
        if isinstance(payload, Visit):
            self.visits.append(VisitRecord(record_id=record_id, visit=payload))
        elif isinstance(payload, ChronologyEntry):
            entry = EntryRecord(record_id=record_id, entry=payload, recorded_at=first_recorded_at)
            self.entries.append(entry)
        elif isinstance(payload, SignificantAdult):
            adult = AdultRecord(
                record_id=record_id,
                adult=payload,
                agency_checks_done_on=payload.agency_checks_done_on(),
            )
            self.adults.append(adult)
        elif isinstance(payload, CPPlan):
            self.plans.append(CPPlanInput.from_record(record_id, payload))
        elif isinstance(payload, Meeting):
            self.meetings.append(MeetingInput.from_record(record_id, payload))
        elif isinstance(payload, DecisionRecord):
            decision = DecisionInput.from_record(record_id, payload)
            author = decision.decided_by if author_id is None else author_id
            self._decisions.append(_DecisionHead(decision, version_id, author))
        elif isinstance(payload, ReviewDecision):
            self.reviews.append(payload)
        elif isinstance(payload, Escalation):
            self.escalations.append((record_id, payload))
        elif isinstance(payload, TransferOut):
            self.transfers.append(TransferOutInput.from_record(record_id, payload))
        else:
            return
        self._signed = None

    def decisions(self) -> list[DecisionInput]:
        """Return the decisions, each countersigned by a review of its version if one is."""
        if self._signed is None:
            self._signed = [
                countersigned(d.decision, d.version_id, d.author_id, self.reviews)
                for d in self._decisions
            ]
        return self._signed

    def for_child(self, child_id: str, child: Child) -> CaseRecords:
        """Return the records naming the child (decisions go with every child of the case)."""
        return CaseRecords(
            child_id=child_id,
            child=child,
            visits=tuple(v for v in self.visits if child_id in v.visit.child_ids),
            visit_progress=tuple(p for p in self.progress if child_id in p.child_ids),
            entries=tuple(e for e in self.entries if child_id in e.entry.child_ids),
            adults=tuple(a for a in self.adults if child_id in a.adult.child_ids),
            plans=tuple(p for p in self.plans if child_id in p.child_ids),
            meetings=tuple(m for m in self.meetings if child_id in m.child_ids),
            decisions=tuple(self.decisions()),
            escalations=tuple(
                EscalationInput.from_record(record_id, escalation, child_id)
                for record_id, escalation in self.escalations
                if child_id in escalation.child_ids
            ),
            transfers=tuple(t for t in self.transfers if child_id in t.child_ids),
        )


def children(records: Iterable[tuple[str, str, RecordPayload]]) -> dict[str, tuple[str, Child]]:
    """Return every child among (record id, case id, payload) versions, with its case.

    Two current versions of one child (a conflict) give the same one whatever their order.
    """
    chosen: dict[str, tuple[str, Child]] = {}
    for record_id, case_id, payload in records:
        if isinstance(payload, Child):
            held = chosen.get(record_id)
            if held is None or payload.model_dump_json() > held[1].model_dump_json():
                chosen[record_id] = (case_id, payload)
    return chosen
