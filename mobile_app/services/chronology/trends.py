"""A child's trends over time, for a supervisor who would rather look than read (issue 6):
the 0-10 safety scale from each visit, and the checklist concerns rated at each visit."""

from dataclasses import dataclass
from datetime import datetime

from mobile_app.services.records import RecordService
from mobile_app.store import DeviceStore
from shared.models import ChecklistResponse, RecordPayload, Visit
from shared.models.checklist_response import CONCERN_RATINGS
from shared.vocabulary import ChecklistRating, Lifecycle


@dataclass(frozen=True)
class ScalePoint:
    """One rating on the safety scale, at the visit it was given."""

    at: datetime
    rated_by: str
    value: int


@dataclass(frozen=True)
class ConcernPoint:
    """How many checklist items were rated a concern at one assessment."""

    at: datetime
    concerns: int
    significant: int


@dataclass(frozen=True)
class ChildTrends:
    """A child's safety scale ratings and checklist concerns, each oldest first."""

    child_id: str
    scale: tuple[ScalePoint, ...]
    concerns: tuple[ConcernPoint, ...]

    def raters(self) -> list[str]:
        """Return who gave ratings, the practitioner first, then in order of first rating."""
        seen = list(dict.fromkeys(p.rated_by for p in self.scale))
        return sorted(seen, key=lambda who: who != "practitioner")

    def series(self, rated_by: str) -> list[ScalePoint]:
        """Return one rater's ratings, oldest first."""
        return [p for p in self.scale if p.rated_by == rated_by]


def child_trends(store: DeviceStore, child_id: str) -> ChildTrends:
    """Read a child's trends from the current visits and checklists on this device."""
    records = RecordService(store)

    def live(record_type: str) -> list[RecordPayload]:
        # A visit withdrawn, or marked entered in error, says nothing about the child.
        return [
            s.version.payload
            for s in records.current(record_type)
            if s.version.lifecycle == Lifecycle.CURRENT
        ]

    scale = [
        ScalePoint(at=visit.start, rated_by=rating.rated_by, value=rating.value)
        for visit in live("visit")
        if isinstance(visit, Visit) and child_id in visit.child_ids
        for rating in visit.scaling
    ]
    concerns = [
        ConcernPoint(
            at=response.assessed_at,
            concerns=sum(a.rating in CONCERN_RATINGS for a in response.answers),
            significant=sum(
                a.rating == ChecklistRating.SIGNIFICANT_CONCERN for a in response.answers
            ),
        )
        for response in live("checklist_response")
        if isinstance(response, ChecklistResponse) and response.child_id == child_id
    ]
    return ChildTrends(
        child_id=child_id,
        scale=tuple(sorted(scale, key=lambda p: (p.at, p.rated_by, p.value))),
        concerns=tuple(sorted(concerns, key=lambda p: (p.at, p.concerns, p.significant))),
    )
