"""Filing current versions into the rules' inputs and sharing them out per child (collect)."""

from datetime import UTC, date, datetime

from shared.ids import new_id
from shared.models import (
    CPPlan,
    DecisionRecord,
    Escalation,
    Meeting,
    SignificantAdult,
    TransferOut,
)
from shared.models.adult import AgencyCheck
from shared.models.analysis import AnalysisNote
from shared.models.review import ReviewAction, ReviewDecision
from shared.rules import AlertCode, VisitProgress
from shared.rules.collect import CaseInputs, children
from shared.vocabulary import Relationship, VisitType
from tests.shared import safeguarding_records as rec
from tests.shared.rules.builders import adult, alerts_of, child, entry, visit

MADE = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
REVIEWED = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _named(payload: SignificantAdult, *child_ids: str) -> SignificantAdult:
    return payload.model_copy(update={"child_ids": child_ids})


def family() -> CaseInputs:
    """A family's records: some about the child, some the sibling, some both."""
    inputs = CaseInputs()
    the_visit = visit(MADE).visit.model_copy(update={"child_ids": (rec.CHILD,)})
    the_entry = entry(MADE).entry.model_copy(update={"child_ids": (rec.CHILD,)})
    payloads = [
        the_visit,
        the_entry,
        _named(adult().adult, rec.SIBLING),
        CPPlan.model_validate(rec.cp_plan()),
        Meeting.model_validate(rec.meeting()),
        Escalation.model_validate(rec.escalation()),
        TransferOut.model_validate(rec.transfer_out()),
    ]
    for payload in payloads:
        inputs.add(new_id(), new_id(), payload, MADE)
    return inputs


def no_action(inputs: CaseInputs, author_id: str | None = None) -> tuple[str, str]:
    """File a "no action" decision; return its record and version ids."""
    record_id, version_id = new_id(), new_id()
    payload = DecisionRecord.model_validate(
        rec.decision(decision="no_action", rationale="Explained by a fall seen at nursery.")
    )
    inputs.add(record_id, version_id, payload, MADE, author_id)
    return record_id, version_id


def countersign(record_id: str, version_id: str, by: str = rec.SUPERVISOR) -> ReviewDecision:
    """A supervisor's review countersigning one version of a record."""
    return ReviewDecision(
        reviewed_record_id=record_id,
        reviewed_version_id=version_id,
        action=ReviewAction.COUNTERSIGN,
        comment="",
        reviewer_id=by,
        decided_at=REVIEWED,
    )


def test_each_kind_goes_to_the_children_it_names() -> None:
    inputs = family()
    mine = inputs.for_child(rec.CHILD, child())
    sibling = inputs.for_child(rec.SIBLING, child())
    assert mine.child_id == rec.CHILD
    assert (len(mine.visits), len(mine.entries), len(mine.adults)) == (1, 1, 0)
    assert (len(sibling.visits), len(sibling.entries), len(sibling.adults)) == (0, 0, 1)
    assert (len(mine.plans), len(sibling.plans)) == (1, 1)
    assert (len(mine.meetings), len(sibling.meetings)) == (1, 0)
    assert (len(mine.transfers), len(sibling.transfers)) == (1, 0)
    assert [e.child_id for e in sibling.escalations] == [rec.SIBLING]
    assert mine.entries[0].recorded_at == MADE  # the entry's clock runs from its first version


def test_decisions_go_with_every_child_of_the_family() -> None:
    inputs = family()
    record_id, _ = no_action(inputs)
    for child_id in (rec.CHILD, rec.SIBLING):
        [decision] = inputs.for_child(child_id, child()).decisions
        assert decision.record_id == record_id


def test_a_review_countersigning_the_current_version_countersigns_the_decision() -> None:
    inputs = CaseInputs()
    record_id, version_id = no_action(inputs, author_id=rec.WORKER)
    assert inputs.decisions()[0].countersigned_by is None
    inputs.add(new_id(), new_id(), countersign(record_id, version_id), MADE)
    [decision] = inputs.for_child(rec.CHILD, child()).decisions
    assert (decision.countersigned_by, decision.countersigned_at) == (rec.SUPERVISOR, REVIEWED)


def test_a_review_of_another_version_does_not_countersign() -> None:
    inputs = CaseInputs()
    record_id, _ = no_action(inputs, author_id=rec.WORKER)
    inputs.add(new_id(), new_id(), countersign(record_id, new_id()), MADE)
    assert inputs.decisions()[0].countersigned_by is None


def test_the_versions_author_cannot_countersign_it_but_unknown_authors_are_the_decider() -> None:
    pushed = CaseInputs()
    record_id, version_id = no_action(pushed, author_id=rec.SUPERVISOR)
    pushed.add(new_id(), new_id(), countersign(record_id, version_id), MADE)
    assert pushed.decisions()[0].countersigned_by is None

    on_device = CaseInputs()
    record_id, version_id = no_action(on_device)  # no author kept: the decider stands for it
    on_device.add(new_id(), new_id(), countersign(record_id, version_id), MADE)
    assert on_device.decisions()[0].countersigned_by == rec.SUPERVISOR


def test_kinds_the_rules_do_not_read_are_skipped() -> None:
    inputs = CaseInputs()
    inputs.add(new_id(), new_id(), AnalysisNote.model_validate(rec.analysis_note()), MADE)
    case = inputs.for_child(rec.CHILD, child())
    assert case.model_dump(exclude={"child_id", "child"}) == CaseInputs().for_child(
        rec.CHILD, child()
    ).model_dump(exclude={"child_id", "child"})


def test_visit_progress_is_shared_out_like_the_rest() -> None:
    inputs = CaseInputs()
    inputs.progress = [
        VisitProgress(
            record_id=new_id(),
            child_ids=(child_id,),
            visit_type=VisitType.STATUTORY_CP,
            ended_at=MADE,
        )
        for child_id in (rec.CHILD, rec.SIBLING, rec.SIBLING)
    ]
    assert len(inputs.for_child(rec.SIBLING, child()).visit_progress) == 2


def test_two_heads_of_one_child_give_the_same_one_whatever_the_order() -> None:
    case_id, record_id = new_id(), new_id()
    one, other = child(), child().model_copy(update={"given_name": "Zed"})
    plan = CPPlan.model_validate(rec.cp_plan())
    forwards = children([(record_id, case_id, one), (record_id, case_id, other)])
    backwards = children(
        [(new_id(), case_id, plan), (record_id, case_id, other), (record_id, case_id, one)]
    )
    assert forwards == backwards == {record_id: (case_id, other)}


def test_the_adults_latest_agency_checks_reach_the_rules_and_quieten_a8() -> None:
    # Not a parent: A8 is for new adults (a known parent's checks are A8b).
    unchecked = _named(adult(Relationship.MOTHER_PARTNER, checked=None).adult, rec.CHILD)
    checks = (
        AgencyCheck(done_on=date(2026, 3, 2), result="Police: one caution in 2019."),
        AgencyCheck(done_on=date(2026, 1, 5), result="Probation: not known."),
    )
    checked = unchecked.model_copy(update={"agency_checks": checks})
    outcomes = []
    for payload in (unchecked, checked):
        inputs = CaseInputs()
        inputs.add(new_id(), new_id(), payload, MADE)
        [record] = inputs.adults
        case = inputs.for_child(rec.CHILD, child())
        outcomes.append(
            (record.agency_checks_done_on, len(alerts_of(case, REVIEWED, AlertCode.A8)))
        )
    assert outcomes == [(None, 1), (date(2026, 3, 2), 0)]
