"""Safeguarding record models: valid records pass, each rule holds at its edge, JSON round-trips."""

from datetime import UTC, datetime
from typing import Any, get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.ids import new_id
from shared.models import (
    RECORD_TYPES,
    AnalysisNote,
    ChronologyEntry,
    CPPlan,
    DecisionRecord,
    Escalation,
    ExternalGCP2Reference,
    Meeting,
    PlanOutcome,
    RecordPayload,
    TransferOut,
)
from shared.protocol import RecordVersion
from shared.validation import field_errors
from shared.vocabulary import PlanCompliance, Role
from tests.shared import safeguarding_records as rec

PAYLOADS = TypeAdapter(RecordPayload)


def errors_of(model: type[BaseModel], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {e.field: e.message for e in field_errors(caught.value)}


def version_of(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "version_id": new_id(),
        "record_id": new_id(),
        "case_id": new_id(),
        "device_time": "2026-11-20T16:00:00Z",
        "payload": payload,
    }


@pytest.mark.parametrize("record_type", list(rec.ALL), ids=list(rec.ALL))
def test_each_new_record_type_is_in_the_union_and_round_trips(record_type: str) -> None:
    version = RecordVersion.model_validate(version_of(rec.ALL[record_type]()))
    assert version.record_type == record_type
    assert record_type in RECORD_TYPES
    again = RecordVersion.model_validate_json(version.model_dump_json())
    assert again == version
    assert PAYLOADS.validate_python(version.payload.model_dump()) == version.payload


def test_record_types_list_matches_the_union() -> None:
    union = get_args(RecordPayload)[0]
    members = {model.model_fields["record_type"].default for model in get_args(union)}
    assert members == set(RECORD_TYPES)


# --- CP plan (3.6) --------------------------------------------------------------------------


def test_plan_reads_its_rules_and_core_group() -> None:
    plan = CPPlan.model_validate(rec.cp_plan())
    assert plan.bedroom_rule is not None
    assert plan.bedroom_rule.every_n_visits == 2
    assert plan.core_group[1].role == Role.HEALTH_VISITOR
    assert (plan.status, plan.ended_on) == ("active", None)


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (90, True), (91, False)], ids=str)
def test_plan_visit_frequency_is_1_to_90_days(days: int, ok: bool) -> None:
    if ok:
        assert CPPlan.model_validate(rec.cp_plan(visit_frequency_days=days))
    else:
        assert list(errors_of(CPPlan, rec.cp_plan(visit_frequency_days=days))) == [
            "visit_frequency_days"
        ]


def test_plan_needs_a_category_and_identified_core_group_members() -> None:
    assert list(errors_of(CPPlan, rec.cp_plan(categories=[]))) == ["categories"]
    errors = errors_of(CPPlan, rec.cp_plan(core_group=[{"agency": "school"}]))
    assert errors == {"core_group[0].person_id": "give the member's person id, or their role"}


def test_plan_end_needs_a_date_not_before_the_conference() -> None:
    assert list(errors_of(CPPlan, rec.cp_plan(status="ended"))) == ["ended_on"]
    assert list(errors_of(CPPlan, rec.cp_plan(ended_on="2026-12-01"))) == ["ended_on"]
    early = rec.cp_plan(status="ended", ended_on="2026-09-21")
    assert list(errors_of(CPPlan, early)) == ["ended_on"]
    assert CPPlan.model_validate(rec.cp_plan(status="ended", ended_on="2026-09-22"))


def test_plan_conference_cannot_precede_the_strategy_discussion() -> None:
    errors = errors_of(CPPlan, rec.cp_plan(strategy_date="2026-09-23"))
    assert list(errors) == ["icpc_date"]
    assert CPPlan.model_validate(rec.cp_plan(strategy_date="2026-09-22"))


def test_plan_dates_are_bounded_to_record_years() -> None:
    errors = errors_of(CPPlan, rec.cp_plan(icpc_date="2101-01-01", strategy_date=None))
    assert errors == {"icpc_date": "must be a real date between the years 1900 and 2100"}


# --- Plan outcome (V4) ----------------------------------------------------------------------

V4_FIELDS = (
    "danger_statement",
    "safety_goal",
    "consequence_if_not_achieved",
    "measure",
    "owner",
)


@pytest.mark.parametrize("name", V4_FIELDS)
@pytest.mark.parametrize("blank", ["", "   \n"], ids=["empty", "whitespace"])
def test_v4_each_outcome_part_must_be_filled_in(name: str, blank: str) -> None:
    errors = errors_of(PlanOutcome, rec.plan_outcome(**{name: blank}))
    assert list(errors) == [name]
    assert errors[name].startswith("say ")


@pytest.mark.parametrize("name", [*V4_FIELDS, "due", "plan_id"])
def test_v4_each_outcome_part_is_required(name: str) -> None:
    data = rec.plan_outcome()
    del data[name]
    assert list(errors_of(PlanOutcome, data)) == [name]


def test_v4_consequence_message_names_the_field_through_a_record_version() -> None:
    data = version_of(rec.plan_outcome(consequence_if_not_achieved=" "))
    with pytest.raises(ValidationError) as caught:
        RecordVersion.model_validate(data)
    [error] = field_errors(caught.value)
    assert error.field == "payload.consequence_if_not_achieved"
    assert error.message == "say what happens to the child if this is not achieved"


@pytest.mark.parametrize(("rating", "ok"), [(-1, False), (0, True), (10, True), (11, False)])
def test_outcome_progress_rating_is_0_to_10_or_absent(rating: int, ok: bool) -> None:
    if ok:
        assert PlanOutcome.model_validate(rec.plan_outcome(progress_rating=rating))
    else:
        assert list(errors_of(PlanOutcome, rec.plan_outcome(progress_rating=rating))) == [
            "progress_rating"
        ]
    assert PlanOutcome.model_validate(rec.plan_outcome(progress_rating=None))


# --- Meeting (V5) ---------------------------------------------------------------------------


def test_meeting_keeps_invitees_attendance_and_distribution_times() -> None:
    meeting = Meeting.model_validate(rec.meeting())
    assert meeting.invitees[0].person_id == rec.FATHER
    assert meeting.invitees[0].attendance == "did_not_attend"
    assert meeting.plan_distributed_at == datetime(2026, 9, 23, 9, tzinfo=UTC)


def test_v5_professionals_only_meeting_needs_reason_code_and_chair_approval() -> None:
    assert Meeting.model_validate(rec.professionals_only())
    errors = errors_of(Meeting, rec.professionals_only(reason_code=None))
    assert errors == {"reason_code": "say why the family cannot be at this meeting"}
    errors = errors_of(Meeting, rec.professionals_only(chair_approved_by=None))
    assert errors == {
        "chair_approved_by": "a professionals-only meeting needs the chair's approval"
    }


def test_v5_reason_code_comes_from_the_fixed_list() -> None:
    errors = errors_of(Meeting, rec.professionals_only(reason_code="diary_clash"))
    assert list(errors) == ["reason_code"]
    assert "diary_clash" not in errors["reason_code"]


def test_only_a_professionals_only_meeting_takes_a_reason_code() -> None:
    errors = errors_of(Meeting, rec.meeting(reason_code="drift_review"))
    assert list(errors) == ["reason_code"]


def test_meeting_invitee_needs_a_person_or_role() -> None:
    errors = errors_of(Meeting, rec.meeting(invitees=[{"attendance": "attended"}]))
    assert list(errors) == ["invitees[0].person_id"]


@pytest.mark.parametrize("name", ["minutes_distributed_at", "plan_distributed_at"])
def test_paperwork_cannot_be_distributed_before_the_meeting(name: str) -> None:
    assert list(errors_of(Meeting, rec.meeting(**{name: "2026-09-22T09:59:59Z"}))) == [name]
    assert Meeting.model_validate(rec.meeting(**{name: "2026-09-22T10:00:00Z"}))


def test_invitations_go_out_before_the_meeting() -> None:
    late = rec.meeting(invitations_sent_at="2026-09-22T10:00:01Z")
    assert list(errors_of(Meeting, late)) == ["invitations_sent_at"]


def test_only_a_strategy_discussion_starts_s47() -> None:
    assert list(errors_of(Meeting, rec.meeting(s47_started=True))) == ["s47_started"]
    assert Meeting.model_validate(rec.meeting(meeting_type="strategy", s47_started=True))


# --- Decision record and escalation (3.8) --------------------------------------------------


def test_decision_needs_a_rationale_and_a_considered_decision() -> None:
    assert errors_of(DecisionRecord, rec.decision(rationale=" ")) == {
        "rationale": "say why this decision was made"
    }
    errors = errors_of(DecisionRecord, rec.decision(decision="escalate"))
    assert list(errors) == ["decision"]


def test_no_action_decision_may_await_countersignature() -> None:
    pending = DecisionRecord.model_validate(rec.decision(decision="no_action"))
    assert pending.countersigned_by is None
    signed = rec.decision(
        decision="no_action",
        countersigned_by=rec.SUPERVISOR,
        countersigned_at="2026-11-20T15:00:00Z",
    )
    assert DecisionRecord.model_validate(signed).countersigned_by == rec.SUPERVISOR


def test_countersignature_needs_who_and_when_by_someone_else_afterwards() -> None:
    half = rec.decision(countersigned_by=rec.SUPERVISOR)
    assert list(errors_of(DecisionRecord, half)) == ["countersigned_at"]
    own = rec.decision(countersigned_by=rec.WORKER, countersigned_at="2026-11-21T09:00:00Z")
    assert list(errors_of(DecisionRecord, own)) == ["countersigned_by"]
    early = rec.decision(countersigned_by=rec.SUPERVISOR, countersigned_at="2026-11-20T14:59:59Z")
    assert list(errors_of(DecisionRecord, early)) == ["countersigned_at"]


@pytest.mark.parametrize(("stage", "ok"), [(0, False), (1, True), (4, True), (5, False)])
def test_escalation_stage_is_1_to_4(stage: int, ok: bool) -> None:
    if ok:
        assert Escalation.model_validate(rec.escalation(stage=stage)).stage == stage
    else:
        assert list(errors_of(Escalation, rec.escalation(stage=stage))) == ["stage"]


def test_escalation_is_due_after_it_was_raised() -> None:
    same = rec.escalation(due_at="2026-11-02T10:00:00Z")
    assert errors_of(Escalation, same) == {"due_at": "the stage must be due after it was raised"}
    assert Escalation.model_validate(rec.escalation(due_at="2026-11-02T10:00:01Z"))


def test_escalation_resolution_needs_its_time_and_words() -> None:
    assert list(errors_of(Escalation, rec.escalation(resolved_at="2026-11-05T10:00:00Z"))) == [
        "resolution"
    ]
    assert list(errors_of(Escalation, rec.escalation(resolution="Agreed to keep the plan."))) == [
        "resolved_at"
    ]
    assert list(errors_of(Escalation, rec.escalation(subject=""))) == ["subject"]


# --- Transfer out (3.9) ---------------------------------------------------------------------


def test_transfer_needs_concerns_and_health_involvement() -> None:
    errors = errors_of(
        TransferOut, rec.transfer_out(summary_of_concerns="", current_health_involvement=" ")
    )
    assert set(errors) == {"summary_of_concerns", "current_health_involvement"}


def test_transfer_housing_question_is_yes_no_or_not_applicable() -> None:
    assert TransferOut.model_validate(rec.transfer_out(housing_provider_informed="n/a"))
    assert list(errors_of(TransferOut, rec.transfer_out(housing_provider_informed="maybe"))) == [
        "housing_provider_informed"
    ]


def test_transfer_acknowledgement_follows_notification() -> None:
    unsent = rec.transfer_out(notified_at=None, acknowledged_at="2026-11-12T09:00:00Z")
    assert list(errors_of(TransferOut, unsent)) == ["notified_at"]
    early = rec.transfer_out(acknowledged_at="2026-11-11T08:59:59Z")
    assert list(errors_of(TransferOut, early)) == ["acknowledged_at"]
    before_start = rec.transfer_out(notified_at="2026-11-10T08:59:59Z")
    assert list(errors_of(TransferOut, before_start)) == ["notified_at"]


# --- GCP2 reference (3.10): numbers and a link only -----------------------------------------


@pytest.mark.parametrize(
    "grade", [0, 6, "3", 3.0, True, "adequate"], ids=["0", "6", "str", "float", "bool", "label"]
)
def test_gcp2_grades_are_integers_1_to_5_only(grade: object) -> None:
    errors = errors_of(ExternalGCP2Reference, rec.gcp2_reference(grades={"safety": grade}))
    assert list(errors) == ["grades.safety"]


def test_gcp2_reference_refuses_item_text_and_other_areas() -> None:
    errors = errors_of(
        ExternalGCP2Reference, rec.gcp2_reference(grades={"safety": 3, "item_text": "x"})
    )
    assert list(errors) == ["grades.item_text"]
    assert list(errors_of(ExternalGCP2Reference, rec.gcp2_reference(notes="x"))) == ["notes"]
    assert list(errors_of(ExternalGCP2Reference, rec.gcp2_reference(grades={}))) == ["grades"]


def test_gcp2_link_must_be_https_and_is_not_echoed() -> None:
    errors = errors_of(
        ExternalGCP2Reference, rec.gcp2_reference(document_link="ftp://secret-host/SECRET")
    )
    assert list(errors) == ["document_link"]
    assert "SECRET" not in errors["document_link"]


# --- Analysis note (3.10) -------------------------------------------------------------------


def test_analysis_note_is_its_own_record_type_with_an_ordered_period() -> None:
    note = AnalysisNote.model_validate(rec.analysis_note())
    assert note.record_type == "analysis_note"
    assert list(errors_of(AnalysisNote, rec.analysis_note(period_to="2026-07-31"))) == ["period_to"]
    assert list(errors_of(AnalysisNote, rec.analysis_note(analysis=""))) == ["analysis"]


# --- Chronology entry fields (3.4) ----------------------------------------------------------


def chronology_entry(**overrides: Any) -> dict[str, Any]:
    return {
        "record_type": "chronology_entry",
        "child_ids": [rec.CHILD],
        "event_datetime": "2026-11-20T10:00:00Z",
        "source_agency": "school",
        "information_source": "child_account",
        "author_id": rec.WORKER,
        "author_role": "partner_contributor",
        "event_type": "allegation",
        "summary": "Child told teacher she had not eaten since Friday.",
        "significance": "serious",
        "action_taken": "Referred to social care.",
        **overrides,
    }


def test_existing_chronology_entries_stay_valid_with_defaults() -> None:
    entry = ChronologyEntry.model_validate(chronology_entry())
    assert (entry.outcome, entry.linked_plan_outcome_ids, entry.plan_compliance) == ("", (), None)
    assert (entry.restricted, entry.restricted_roles, entry.confidential_source) == (
        False,
        (),
        False,
    )
    assert (entry.child_seen, entry.third_party_refs) == (None, ())


def test_chronology_entry_takes_plan_links_and_restriction() -> None:
    outcome_id = new_id()
    entry = ChronologyEntry.model_validate(
        chronology_entry(
            linked_plan_outcome_ids=[outcome_id],
            plan_compliance="n/a",
            restricted=True,
            restricted_roles=["supervisor", "social_worker"],
            third_party_refs=["Neighbour A"],
            confidential_source=True,
            child_seen=True,
            outcome="Strategy discussion held the same day.",
        )
    )
    assert entry.plan_compliance == PlanCompliance.NOT_APPLICABLE
    assert entry.restricted_roles == (Role.SUPERVISOR, Role.SOCIAL_WORKER)
    version = RecordVersion.model_validate(version_of(entry.model_dump(mode="json")))
    assert RecordVersion.model_validate_json(version.model_dump_json()) == version


def test_chronology_third_party_refs_are_short_and_bounded() -> None:
    assert list(errors_of(ChronologyEntry, chronology_entry(third_party_refs=["x" * 101]))) == [
        "third_party_refs[0]"
    ]
    many = chronology_entry(third_party_refs=[f"Ref {i}" for i in range(21)])
    assert list(errors_of(ChronologyEntry, many)) == ["third_party_refs"]
    assert list(errors_of(ChronologyEntry, chronology_entry(restricted_roles=["janitor"]))) == [
        "restricted_roles[0]"
    ]
