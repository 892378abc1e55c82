"""Records for the device's safeguarding rules tests: a CP family and an injury entry."""

from datetime import UTC, date, datetime

from shared.ids import new_id
from shared.models import Address, Child, ChronologyEntry, Family, Practitioner
from shared.protocol import PulledVersion
from shared.vocabulary import (
    Agency,
    ChildStatus,
    CPCategory,
    EventType,
    InformationSource,
    Role,
    Significance,
)

# Thursday 24 December 2026: the next working day is Tuesday 29th (Christmas falls on a
# Friday and Boxing Day's substitute is Monday 28th).
CHRISTMAS_EVE = datetime(2026, 12, 24, 11, 0, tzinfo=UTC)


def person(role: Role, username: str) -> Practitioner:
    """A synthetic practitioner with this role."""
    return Practitioner(
        id=new_id(),
        username=username,
        display_name=f"Test {role.value.replace('_', ' ')}",
        role=role,
        agency=Agency.HEALTH_VISITING if role == Role.HEALTH_VISITOR else Agency.CSC,
        team="North",
    )


def pulled(
    case_id: str, record_id: str, payload: object, seq: int, at: datetime = CHRISTMAS_EVE
) -> PulledVersion:
    """A version as the server sends it, received at `at`."""
    return PulledVersion.model_validate(
        {
            "version_id": new_id(),
            "record_id": record_id,
            "case_id": case_id,
            "device_time": at,
            "payload": payload,
            "server_seq": seq,
            "author_id": new_id(),
            "author_agency": Agency.HEALTH_VISITING,
            "recorded_at": at,
        }
    )


def cp_family(case_id: str, child_id: str) -> list[PulledVersion]:
    """A family with one child on a neglect CP plan."""
    family = Family(
        family_name="Quarmby",
        address=Address(line1="12 Weavers Row", town="Banbury", postcode="OX16 4AB"),
    )
    child = Child(
        given_name="Poppy",
        family_name="Quarmby",
        dob=date(2026, 6, 1),
        status=ChildStatus.CP,
        cp_categories=(CPCategory.NEGLECT,),
    )
    return [pulled(case_id, case_id, family, 1), pulled(case_id, child_id, child, 2)]


def injury(child_id: str, at: datetime = CHRISTMAS_EVE) -> ChronologyEntry:
    """A health visitor's injury entry about the child."""
    return ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=at,
        source_agency=Agency.HEALTH_VISITING,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=new_id(),
        author_role=Role.HEALTH_VISITOR,
        event_type=EventType.INJURY,
        summary="Bruise seen on the left forearm; mother gave no explanation.",
        action_taken="Discussed with the social worker.",
        significance=Significance.SERIOUS,
    )
