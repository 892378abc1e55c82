"""The permissions table (docs/domain.md, Roles): who may make and change what."""

import pytest

from shared.models import RECORD_TYPES
from shared.rules.permissions import MAKERS, Act, Condition, condition, may, role_refusal
from shared.vocabulary import Role


def test_every_record_type_has_its_makers() -> None:
    assert set(MAKERS) == set(RECORD_TYPES)


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.SYS_ADMIN])
def test_roles_without_cases_make_nothing(role: Role) -> None:
    assert {condition(role, t, a) for t in RECORD_TYPES for a in Act} == {Condition.NEVER}


def test_a_partner_adds_only_entries_and_links_and_changes_only_their_own() -> None:
    made = {t for t in RECORD_TYPES if may(Role.PARTNER_CONTRIBUTOR, t, Act.CREATE)}

    assert made == {"chronology_entry", "same_event_link"}
    assert condition(Role.PARTNER_CONTRIBUTOR, "chronology_entry", Act.CHANGE) == (
        Condition.OWN_ACCOUNT
    )
    assert role_refusal(Role.PARTNER_CONTRIBUTOR, "visit").startswith("a partner agency")


def test_a_plan_changes_only_by_its_lead_social_worker_or_a_chair() -> None:
    # A health visitor named as the plan's lead still does not hold it: the lead practitioner
    # of a child protection plan is a social worker.
    assert not may(Role.HEALTH_VISITOR, "plan_outcome", Act.CREATE, plan_lead=True)
    assert not may(Role.SOCIAL_WORKER, "plan_outcome", Act.CREATE, plan_lead=False)
    assert may(Role.SOCIAL_WORKER, "plan_outcome", Act.CHANGE, plan_lead=True)
    assert may(Role.SOCIAL_WORKER, "cp_plan", Act.CHANGE, plan_lead=True)
    assert not may(Role.SOCIAL_WORKER, "cp_plan", Act.CHANGE, plan_lead=False)
    assert may(Role.CP_CHAIR, "cp_plan", Act.CHANGE)
    assert may(Role.SOCIAL_WORKER, "cp_plan", Act.CREATE)  # a new plan has no lead yet


def test_an_account_changes_only_by_whoever_made_it() -> None:
    for record_type in ("chronology_entry", "visit", "checklist_response", "analysis_note"):
        assert not may(Role.SOCIAL_WORKER, record_type, Act.CHANGE, own_account=False)
        assert may(Role.SOCIAL_WORKER, record_type, Act.CHANGE, own_account=True)
    assert may(Role.HEALTH_VISITOR, "significant_adult", Act.CHANGE)  # open to the case
