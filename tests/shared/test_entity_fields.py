"""The fuller docs/domain.md (Records) fields of Child, Family and SignificantAdult."""

from datetime import date

import pytest
from pydantic import ValidationError

from shared.ids import new_id
from shared.models.adult import AgencyCheck, SignificantAdult
from shared.models.family import Address, AgencyInvolvement, Child, Family, TeamMember
from shared.validation import field_errors
from shared.vocabulary import Agency, Relationship, ThinkFamilyFlag

HOME = {"line1": "12 Weavers Row", "town": "Banbury", "postcode": "OX16 4AB"}
SECRET = "Secret-Value-7731"


def _adult(**extra: object) -> SignificantAdult:
    return SignificantAdult.model_validate(
        {"child_ids": [new_id()], "relationship": "birth_father", "name": "Sam Test", **extra}
    )


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {e.field: e.message for e in field_errors(exc.value)}


def test_records_made_before_the_new_fields_still_load_with_empty_defaults() -> None:
    child = Child.model_validate({"given_name": "Ada", "family_name": "Test", "dob": "2022-05-01"})
    family = Family.model_validate({"family_name": "Test", "address": HOME})
    adult = _adult()
    assert (child.aliases, child.address_history, child.interpreter_needed) == ((), (), None)
    assert (child.threshold_level, child.lead_practitioner_id, child.gp) == (None, None, None)
    assert (family.agencies_involved, family.tac_taf_members) == ((), ())
    assert (family.access_notes, family.safety_notes) == (None, None)
    assert (adult.agency_checks, adult.invited_to, adult.attended) == ((), (), ())
    assert adult.own_childhood_adversity == ""
    assert adult.agency_checks_done_on() is None
    assert child.schema_version == family.schema_version == adult.schema_version == 1


def test_child_round_trips_every_new_field_through_json() -> None:
    lead = new_id()
    child = Child(
        given_name="Ada",
        family_name="Test",
        dob=date(2022, 5, 1),
        aliases=("Addy",),
        ethnicity="White British",
        first_language="Polish",
        interpreter_needed=True,
        address_history=(
            Address(**HOME, from_date=date(2022, 5, 1), to_date=date(2024, 2, 1)),
            Address(
                line1="3 Mill Lane", town="Bicester", postcode="OX26", from_date=date(2024, 2, 1)
            ),
        ),
        gp="Horsefair Surgery",
        setting_or_school="Little Acorns Nursery",
        threshold_level="Level 3: complex needs",
        lead_practitioner_id=lead,
    )
    again = Child.model_validate_json(child.model_dump_json())
    assert again == child
    assert again.address_history[1].to_date is None
    assert again.lead_practitioner_id == lead


def test_an_address_left_before_it_was_reached_is_refused_by_field_without_echo() -> None:
    with pytest.raises(ValidationError) as exc:
        Child.model_validate(
            {
                "given_name": "Ada",
                "family_name": "Test",
                "dob": "2022-05-01",
                "address_history": [
                    {**HOME, "line1": SECRET, "from_date": "2024-02-01", "to_date": "2023-01-01"}
                ],
            }
        )
    errors = _errors(exc)
    assert list(errors) == ["address_history[0].to_date"]
    assert SECRET not in str(errors)
    assert "2023" not in str(errors)


def test_family_names_its_agencies_team_and_think_family_flags() -> None:
    family = Family(
        family_name="Test",
        address=Address(**HOME),
        think_family_flags=(ThinkFamilyFlag.DA, ThinkFamilyFlag.HOUSING),
        agencies_involved=(AgencyInvolvement(agency=Agency.HOUSING, worker_name="Pat Jones"),),
        tac_taf_members=(
            TeamMember(name="Mum", agency=Agency.FAMILY),
            TeamMember(name="Kim Lee", agency=Agency.SCHOOL, role="Designated lead"),
        ),
    )
    assert Family.model_validate_json(family.model_dump_json()) == family


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"agencies_involved": [{"agency": "housing"}]}, "agencies_involved[0].worker_name"),
        (
            {"agencies_involved": [{"agency": SECRET, "worker_name": "Pat"}]},
            "agencies_involved[0].agency",
        ),
        ({"tac_taf_members": [{"name": " ", "agency": "school"}]}, "tac_taf_members[0].name"),
        ({"think_family_flags": [SECRET]}, "think_family_flags[0]"),
    ],
)
def test_family_refuses_bad_team_details_by_field(extra: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Family.model_validate({"family_name": "Test", "address": HOME, **extra})
    errors = _errors(exc)
    assert list(errors) == [field]
    assert SECRET not in str(errors)


def test_adult_agency_checks_give_the_latest_day_done() -> None:
    adult = _adult(
        agency_checks=[
            {"done_on": "2026-01-05", "result": "Probation: not known."},
            {"done_on": "2026-03-02", "result": "Police: one caution in 2019."},
        ],
        own_childhood_adversity="Was in care himself from age 9.",
    )
    assert adult.agency_checks_done_on() == date(2026, 3, 2)
    assert adult.agency_checks[0] == AgencyCheck(
        done_on=date(2026, 1, 5), result="Probation: not known."
    )
    assert SignificantAdult.model_validate_json(adult.model_dump_json()) == adult


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            {"agency_checks": [{"done_on": "2026-01-05", "result": "  "}]},
            "agency_checks[0].result",
        ),
        (
            {"agency_checks": [{"done_on": "1850-01-05", "result": "ok"}]},
            "agency_checks[0].done_on",
        ),
        ({"agency_checks": [{"result": "ok"}]}, "agency_checks[0].done_on"),
        ({"invited_to": [SECRET]}, "invited_to[0]"),
    ],
)
def test_adult_refuses_bad_checks_and_meeting_links_by_field(
    extra: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _adult(**extra)
    errors = _errors(exc)
    assert list(errors) == [field]
    assert SECRET not in str(errors)


def test_adult_meeting_links_list_each_meeting_once() -> None:
    meeting = new_id()
    adult = _adult(invited_to=[meeting, new_id()], attended=[meeting])
    assert adult.attended == (meeting,)
    with pytest.raises(ValidationError) as exc:
        _adult(invited_to=[meeting], attended=[meeting, meeting])
    assert list(_errors(exc)) == ["attended"]
    assert meeting not in str(_errors(exc))


def test_relationship_vocabulary_is_unchanged_for_new_fields() -> None:
    assert _adult(relationship=Relationship.LODGER).relationship is Relationship.LODGER


def test_a_family_keeps_its_doorstep_notes_and_refuses_an_essay() -> None:
    notes = {"access_notes": " Side door. ", "safety_notes": "Dog in the house."}
    family = Family.model_validate({"family_name": "Test", "address": HOME, **notes})
    assert (family.access_notes, family.safety_notes) == ("Side door.", "Dog in the house.")
    with pytest.raises(ValidationError) as exc:
        Family.model_validate({"family_name": "Test", "address": HOME, "safety_notes": "x" * 4001})
    assert "safety_notes" in _errors(exc)
