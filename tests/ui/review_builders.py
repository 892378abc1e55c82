"""A supervisor's team records for review and trends tests, as the server would send them.

Synthetic people only: the names are the same made-up family the UI fixtures use.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from shared.ids import new_id
from shared.models import (
    ChecklistAnswer,
    ChecklistResponse,
    ChronologyEntry,
    CPPlan,
    Practitioner,
    SafetyScale,
)
from shared.models.review import ReviewAction, ReviewDecision
from shared.protocol import PulledVersion
from shared.vocabulary import (
    Agency,
    ChecklistRating,
    CPCategory,
    EventType,
    InformationSource,
    Role,
    Significance,
    VisitType,
)
from tests.ui.builders import visit_payload
from tests.ui.fake_server import pulled

SUPERVISOR = Practitioner(
    id=new_id(),
    username="sup-test",
    display_name="Test Supervisor",
    role=Role.SUPERVISOR,
    agency=Agency.HEALTH_VISITING,
    team="North",
)
WORKER_ID = new_id()
OTHER_WORKER_ID = new_id()
T0 = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class TeamRecords:
    """The versions a supervisor's device holds, and the ids the tests look for."""

    versions: list[PulledVersion]
    visit_version: str  # statutory visit on a plan: needs a countersignature
    entry_version: str  # a plain entry: only new since the last review
    own_version: str  # the supervisor's own entry: never in their queue


def entry(child_id: str, author_id: str, summary: str, day: int) -> ChronologyEntry:
    """A chronology entry about one child, written by author_id."""
    return ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=datetime(2026, 10, day, 10, 0, tzinfo=UTC),
        source_agency=Agency.HEALTH_VISITING,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=author_id,
        author_role=Role.HEALTH_VISITOR,
        event_type=EventType.HOME_VISIT,
        summary=summary,
        action_taken="Discussed with mother.",
        significance=Significance.SIGNIFICANT,
    )


def team_records(case_id: str, child_id: str, first_seq: int = 200) -> TeamRecords:
    """A plan, a statutory visit (oldest), a colleague's entry, and the supervisor's own."""
    plan = CPPlan(
        child_ids=(child_id,),
        categories=(CPCategory.NEGLECT,),
        icpc_date=date(2026, 9, 1),
        visit_frequency_days=10,
        lead_practitioner_id=WORKER_ID,
    )
    visit = visit_payload(child_id, T0).model_copy(update={"visit_type": VisitType.STATUTORY_CP})
    versions = [
        pulled(case_id, new_id(), plan, first_seq, recorded_at=T0 - timedelta(days=40)),
        pulled(case_id, new_id(), visit, first_seq + 1, author_id=WORKER_ID, recorded_at=T0),
        pulled(
            case_id,
            new_id(),
            entry(child_id, OTHER_WORKER_ID, "Nursery reports weight loss.", 21),
            first_seq + 2,
            author_id=OTHER_WORKER_ID,
            recorded_at=T0 + timedelta(days=1),
        ),
        pulled(
            case_id,
            new_id(),
            entry(child_id, SUPERVISOR.id, "Supervisor's own note.", 22),
            first_seq + 3,
            author_id=SUPERVISOR.id,
            recorded_at=T0 + timedelta(days=2),
        ),
    ]
    return TeamRecords(
        versions, versions[1].version_id, versions[2].version_id, versions[3].version_id
    )


def review_of(
    target: PulledVersion, action: ReviewAction, comment: str, seq: int, **extra: object
) -> PulledVersion:
    """A supervisor's review decision on one version, as pulled from the server."""
    decision = ReviewDecision(
        reviewed_record_id=target.record_id,
        reviewed_version_id=target.version_id,
        action=action,
        comment=comment,
        escalation_stage=2 if action == ReviewAction.ESCALATE else None,
        reviewer_id=SUPERVISOR.id,
        decided_at=T0 + timedelta(days=3),
    )
    return pulled(target.case_id, new_id(), decision, seq, author_id=SUPERVISOR.id, **extra)


def rated_visit(child_id: str, day: int, seq: int, case_id: str, **ratings: int) -> PulledVersion:
    """A visit on a day of October 2026 with the safety scale ratings given (rater=value)."""
    start = datetime(2026, 10, day, 10, 0, tzinfo=UTC)
    scaling = tuple(SafetyScale(rated_by=who, value=v) for who, v in ratings.items())
    visit = visit_payload(child_id, start).model_copy(update={"scaling": scaling})
    return pulled(case_id, new_id(), visit, seq, author_id=WORKER_ID)


def checklist(
    child_id: str, day: int, seq: int, case_id: str, some: int, significant: int
) -> PulledVersion:
    """A checklist for a baby with `some` and `significant` concerns and the rest met."""
    keys = [
        "PHY.FOOD_INTAKE",
        "PHY.HYGIENE",
        "PHY.CLOTHING_WEATHER",
        "PHY.NAPPY_SKIN",
        "PHY.GROWTH_CONCERN",
    ]
    ratings = [ChecklistRating.SIGNIFICANT_CONCERN] * significant + [
        ChecklistRating.SOME_CONCERN
    ] * some
    answers = tuple(
        ChecklistAnswer(
            key=key,
            rating=ratings[n] if n < len(ratings) else ChecklistRating.MEETS_NEEDS,
            evidence="Seen at the visit." if n < len(ratings) else "",
        )
        for n, key in enumerate(keys)
    )
    response = ChecklistResponse(
        child_id=child_id,
        assessed_at=datetime(2026, 10, day, 11, 0, tzinfo=UTC),
        assessor_id=WORKER_ID,
        age_band="0-1",
        answers=answers,
    )
    return pulled(case_id, new_id(), response, seq, author_id=WORKER_ID)
