"""Records for UI tests, built as the server would send them: visits and another family."""

from datetime import date, datetime, timedelta

from shared.ids import new_id
from shared.models import (
    Address,
    Child,
    Family,
    FatherQuestion,
    PersonPresent,
    SignificantAdult,
    Visit,
    VisitAction,
)
from shared.vocabulary import ChildStatus, CPCategory, Relationship, VisitType
from tests.ui.fake_server import pulled


def visit_payload(child_id: str, start: datetime, actions: tuple[VisitAction, ...] = ()) -> Visit:
    """A finalised visit to one child, seen alone, with the given actions."""
    return Visit(
        child_ids=(child_id,),
        visit_type=VisitType.TARGETED,
        start=start,
        end=start + timedelta(hours=1),
        persons_present=(PersonPresent(description="mother"),),
        child_seen=True,
        seen_alone=True,
        father_or_male_carer=FatherQuestion(not_known_reason="Not asked at this visit."),
        actions=actions,
    )


def other_family(with_mother: bool) -> tuple[str, str, list[object]]:
    """Another family with one child on a CP plan, and perhaps a mother but no man."""
    case_id, child_id = new_id(), new_id()
    family = Family(
        family_name="Abbott", address=Address(line1="3 Mill Lane", town="Bicester", postcode="OX26")
    )
    child = Child(
        given_name="Zara",
        family_name="Abbott",
        dob=date(2024, 3, 1),
        status=ChildStatus.CP,
        cp_categories=(CPCategory.NEGLECT,),
    )
    versions: list[object] = [
        pulled(case_id, case_id, family, 50),
        pulled(case_id, child_id, child, 51),
    ]
    if with_mother:
        mother = SignificantAdult(
            child_ids=(child_id,), relationship=Relationship.MOTHER, name="Jade Abbott"
        )
        versions.append(pulled(case_id, new_id(), mother, 52))
    return case_id, child_id, versions
