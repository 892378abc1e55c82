"""Finalising a home visit: the visit, any new adult, the checklists and its chronology entry.

Everything a visit produces is stored and queued for sync in one transaction, adults first so
the server never sees a visit naming an adult it has not been sent.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mobile_app.services.records import NewRecord, RecordService
from shared.checklist import AgeBand, load_checklist
from shared.ids import new_id
from shared.models import (
    ChecklistAnswer,
    ChecklistResponse,
    ChronologyEntry,
    Practitioner,
    SignificantAdult,
    Visit,
)
from shared.models.checklist_response import CONCERN_RATINGS
from shared.protocol import RecordVersion
from shared.vocabulary import (
    ChecklistRating,
    EventType,
    InformationSource,
    NeglectType,
    Significance,
)


@dataclass(frozen=True)
class ChildObservation:
    """The checklist answers for one child seen on the visit."""

    child_id: str
    age_band: AgeBand
    answers: tuple[ChecklistAnswer, ...]


@dataclass(frozen=True)
class FinalisedVisit:
    """What a finalised visit put in the store and the outbox."""

    visit: RecordVersion
    versions: list[RecordVersion]


def significance_of(observations: Sequence[ChildObservation]) -> Significance:
    """A visit with a significant concern is significant; otherwise it is context."""
    ratings = {a.rating for o in observations for a in o.answers}
    if ChecklistRating.SIGNIFICANT_CONCERN in ratings:
        return Significance.SIGNIFICANT
    return Significance.CONTEXTUAL


def neglect_types_of(observations: Sequence[ChildObservation]) -> tuple[NeglectType, ...]:
    """Return the neglect types evidenced by concerns on the checklist, in a stable order."""
    checklist = load_checklist()
    found = {
        checklist.neglect_type_of(a.key)
        for o in observations
        for a in o.answers
        if a.rating in CONCERN_RATINGS
    }
    return tuple(t for t in NeglectType if t in found)


class VisitService:
    """Turns a completed visit into record versions for this practitioner."""

    def __init__(self, records: RecordService, practitioner: Practitioner) -> None:
        self._records = records
        self._me = practitioner

    def finalise(
        self,
        case_id: str,
        visit: Visit,
        observations: Sequence[ChildObservation],
        *,
        summary: str,
        action_taken: str,
        new_adults: Mapping[str, SignificantAdult] | None = None,
    ) -> FinalisedVisit:
        """Store the visit and everything it produced, queued for sync in one transaction."""
        visit_id = new_id()
        records = [
            NewRecord(case_id, adult, record_id=adult_id)
            for adult_id, adult in (new_adults or {}).items()
        ]
        records.append(NewRecord(case_id, visit, record_id=visit_id))
        records += [
            NewRecord(
                case_id,
                ChecklistResponse(
                    child_id=o.child_id,
                    visit_id=visit_id,
                    assessed_at=visit.start,
                    assessor_id=self._me.id,
                    age_band=o.age_band,
                    answers=o.answers,
                ),
            )
            for o in observations
        ]
        records.append(
            NewRecord(
                case_id, self._entry_for(visit, visit_id, observations, summary, action_taken)
            )
        )
        versions = self._records.record(records)
        visit_version = next(v for v in versions if v.record_id == visit_id)
        return FinalisedVisit(visit_version, versions)

    def _entry_for(
        self,
        visit: Visit,
        visit_id: str,
        observations: Sequence[ChildObservation],
        summary: str,
        action_taken: str,
    ) -> ChronologyEntry:
        return ChronologyEntry(
            child_ids=visit.child_ids,
            event_datetime=visit.start,
            source_agency=self._me.agency,
            information_source=InformationSource.DIRECT_OBSERVATION,
            author_id=self._me.id,
            author_role=self._me.role,
            # A visit without access is a missed contact (alert A5), and significant.
            event_type=EventType.NO_ACCESS if visit.attempted_only else EventType.HOME_VISIT,
            summary=summary,
            action_taken=action_taken,
            significance=(
                Significance.SIGNIFICANT if visit.attempted_only else significance_of(observations)
            ),
            neglect_types=neglect_types_of(observations),
            visit_id=visit_id,
            late_entry_reason=visit.late_entry_reason,
        )
