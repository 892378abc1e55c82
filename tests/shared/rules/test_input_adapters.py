"""The rules' input types build from the shared record models (`from_record`)."""

from datetime import UTC, date, datetime

import pytest

from shared.ids import new_id
from shared.models import CPPlan, DecisionRecord, Escalation, Meeting, TransferOut
from shared.rules import (
    CaseRecords,
    CPPlanInput,
    DecisionInput,
    DecisionOption,
    EscalationInput,
    MeetingInput,
    TransferOutInput,
    compute_alerts,
    decision_counts,
)
from shared.rules.inputs import MeetingType
from shared.vocabulary import CPCategory
from tests.shared import safeguarding_records as rec
from tests.shared.rules.builders import CALENDAR, child


def test_plan_runs_from_its_conference_with_its_bedroom_rule() -> None:
    record_id = new_id()
    plan = CPPlan.model_validate(rec.cp_plan(status="ended", ended_on="2027-03-01"))
    got = CPPlanInput.from_record(record_id, plan)
    assert got.record_id == record_id
    assert got.child_ids == (rec.CHILD, rec.SIBLING)
    assert got.categories == (CPCategory.NEGLECT,)
    assert (got.start_date, got.end_date) == (date(2026, 9, 22), date(2027, 3, 1))
    assert (got.visit_frequency_days, got.bedroom_every_n_visits) == (10, 2)


def test_plan_without_bedroom_rule_leaves_it_to_settings() -> None:
    plan = CPPlan.model_validate(rec.cp_plan(bedroom_rule=None))
    assert CPPlanInput.from_record(new_id(), plan).bedroom_every_n_visits is None


def test_meeting_is_held_on_its_date_in_england() -> None:
    # 23:30 UTC on 30 September is 00:30 on 1 October in London (BST).
    meeting = Meeting.model_validate(
        rec.meeting(
            meeting_type="strategy",
            s47_started=True,
            held_at="2026-09-30T23:30:00Z",
            invitations_sent_at=None,
            plan_distributed_at=None,
            minutes_distributed_at="2026-10-05T09:00:00Z",
        )
    )
    got = MeetingInput.from_record("m1", meeting)
    assert got.meeting_type == MeetingType.STRATEGY
    assert got.held_on == date(2026, 10, 1)
    assert got.s47_started is True
    assert got.plan_distributed_at is None
    assert got.minutes_distributed_at == datetime(2026, 10, 5, 9, tzinfo=UTC)


def test_uncountersigned_no_action_decision_does_not_count_on_cp() -> None:
    pending = DecisionRecord.model_validate(rec.decision(decision="no_action"))
    got = DecisionInput.from_record("d1", pending)
    assert got.decision == DecisionOption.NO_ACTION
    assert got.rationale == pending.rationale
    assert decision_counts(got, on_cp=True) is False
    signed = DecisionRecord.model_validate(
        rec.decision(
            decision="no_action",
            countersigned_by=rec.SUPERVISOR,
            countersigned_at="2026-11-21T09:00:00Z",
        )
    )
    assert decision_counts(DecisionInput.from_record("d1", signed), on_cp=True) is True


def test_escalation_is_read_for_one_named_child() -> None:
    escalation = Escalation.model_validate(rec.escalation(stage=2))
    got = EscalationInput.from_record("e1", escalation, rec.SIBLING)
    assert (got.child_id, got.stage) == (rec.SIBLING, 2)
    assert got.opened_at == escalation.raised_at
    assert got.due_at == escalation.due_at
    with pytest.raises(ValueError, match="child_id"):
        EscalationInput.from_record("e1", escalation, new_id())


def test_transfer_keeps_its_start_and_notification() -> None:
    transfer = TransferOut.model_validate(rec.transfer_out())
    got = TransferOutInput.from_record("t1", transfer)
    assert got.child_ids == (rec.CHILD,)
    assert got.started_at == datetime(2026, 11, 10, 9, tzinfo=UTC)
    assert got.notified_at == datetime(2026, 11, 11, 9, tzinfo=UTC)


def test_adapted_records_drive_the_alerts() -> None:
    """An overdue escalation stage, built from the shared model, raises A12."""
    escalation = Escalation.model_validate(rec.escalation())
    records = CaseRecords(
        child_id=rec.CHILD,
        child=child(),
        escalations=(EscalationInput.from_record("e1", escalation, rec.CHILD),),
    )
    alerts = compute_alerts(records, datetime(2026, 11, 20, 12, tzinfo=UTC), CALENDAR)
    assert [a.code.value for a in alerts if "e1" in a.record_ids] == ["A12"]
