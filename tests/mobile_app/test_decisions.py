"""Decision prompts on the device (Child Q finding 2): options always include a strategy
discussion, "no action" stays pending until a different supervisor countersigns."""

from datetime import timedelta

import pytest

from mobile_app.services.chronology.decisions import DecisionRefused, DecisionService
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.models import DecisionRecord, Practitioner
from shared.models.review import ReviewAction, ReviewDecision
from shared.rules import DecisionOption
from shared.vocabulary import Role
from tests.mobile_app.safeguarding_builders import CHRISTMAS_EVE, cp_family, injury, person, pulled

NOW = CHRISTMAS_EVE + timedelta(hours=3)
SW = person(Role.SOCIAL_WORKER, "sw-test")
SUP = person(Role.SUPERVISOR, "sup-test")


@pytest.fixture
def ids(store: DeviceStore) -> dict[str, str]:
    case_id, child_id, entry_id = new_id(), new_id(), new_id()
    store.records.merge_pulled(
        [*cp_family(case_id, child_id), pulled(case_id, entry_id, injury(child_id), 3)]
    )
    return {"case_id": case_id, "child_id": child_id, "entry_id": entry_id}


def as_(store: DeviceStore, me: Practitioner) -> DecisionService:
    return DecisionService(store, me, clock=lambda: NOW)


def test_an_injury_on_a_cp_child_prompts_with_strategy_discussion_first(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    (prompt,) = as_(store, SW).pending()
    assert prompt.trigger_entry_id == ids["entry_id"]
    assert prompt.case_id == ids["case_id"]
    assert prompt.options[0] == DecisionOption.REQUEST_STRATEGY_DISCUSSION
    assert DecisionOption.NO_ACTION in prompt.options
    assert prompt.awaiting_countersignature is None
    assert as_(store, SW).pending(case_id=new_id()) == []


def test_a_decision_closes_the_prompt_and_waits_to_sync(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    service = as_(store, SW)
    (prompt,) = service.pending()
    version = service.decide(prompt, DecisionOption.REFER_TO_CSC, "Medical arranged today.")
    assert isinstance(version.payload, DecisionRecord)
    assert DecisionOption.REQUEST_STRATEGY_DISCUSSION in version.payload.options_considered
    assert version.payload.decided_by == SW.id
    assert store.outbox.count() == 1
    assert service.pending() == []


def test_no_action_stays_pending_until_a_supervisor_countersigns(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    (prompt,) = as_(store, SW).pending()
    made = as_(store, SW).decide(prompt, DecisionOption.NO_ACTION, "Explanation is consistent.")
    (still,) = as_(store, SW).pending()
    assert still.awaiting_countersignature == made.record_id
    assert "countersignature" in still.message
    (waiting,) = as_(store, SUP).awaiting_countersignature()
    signed = as_(store, SUP).countersign(waiting.record_id)
    assert isinstance(signed.payload, ReviewDecision)  # added to the record, never an edit
    assert signed.payload.action == ReviewAction.COUNTERSIGN
    assert signed.payload.reviewer_id == SUP.id
    assert signed.payload.reviewed_version_id == made.version_id
    assert signed.replaces_version_id is None
    assert as_(store, SUP).pending() == []
    assert as_(store, SUP).awaiting_countersignature() == []


def test_the_decider_cannot_countersign_their_own_no_action(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    sup = as_(store, SUP)
    (prompt,) = sup.pending()
    made = sup.decide(prompt, DecisionOption.NO_ACTION, "Explanation is consistent.")
    with pytest.raises(DecisionRefused, match="another supervisor"):
        sup.countersign(made.record_id)


@pytest.mark.parametrize("role", [Role.HEALTH_VISITOR, Role.SOCIAL_WORKER], ids=str)
def test_only_a_supervisor_countersigns(
    store: DeviceStore, ids: dict[str, str], role: Role
) -> None:
    with pytest.raises(DecisionRefused, match="supervisor"):
        as_(store, person(role, "someone")).countersign(new_id())


def test_a_health_visitor_cannot_decide(store: DeviceStore, ids: dict[str, str]) -> None:
    hv = as_(store, person(Role.HEALTH_VISITOR, "hv-test"))
    (prompt,) = hv.pending()
    with pytest.raises(DecisionRefused, match="social worker or a supervisor"):
        hv.decide(prompt, DecisionOption.REFER_TO_CSC, "Referral made.")
    assert store.outbox.count() == 0


def test_a_blank_rationale_names_the_field(store: DeviceStore, ids: dict[str, str]) -> None:
    service = as_(store, SW)
    (prompt,) = service.pending()
    with pytest.raises(DecisionRefused, match="rationale") as refused:
        service.decide(prompt, DecisionOption.NO_ACTION, "   ")
    assert "   " not in str(refused.value).replace("rationale: ", "")
    assert store.outbox.count() == 0
