"""Review decisions and supervision notes: what they require, and that they sync as records."""

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.ids import new_id
from shared.models import RECORD_TYPES
from shared.models.review import ReviewAction, ReviewDecision, SupervisionNote
from shared.protocol import RecordVersion
from shared.validation import field_errors

SECRET_COMMENT = "Synthetic comment 7f3a about the Ashdown family"


def decision(**overrides: Any) -> dict[str, Any]:
    return {
        "record_type": "review_decision",
        "reviewed_record_id": new_id(),
        "reviewed_version_id": new_id(),
        "action": "countersign",
        "reviewer_id": new_id(),
        "decided_at": "2026-11-20T16:00:00Z",
        **overrides,
    }


def note(**overrides: Any) -> dict[str, Any]:
    return {
        "record_type": "supervision_note",
        "child_ids": [new_id(), new_id()],
        "held_at": "2026-11-20T10:00:00Z",
        "discussion": "Reviewed the last three visits and the school's concerns.",
        "agreed_actions": [
            {"action": "Joint visit with the school nurse", "owner": "HV", "due": "2026-11-27"}
        ],
        "author_id": new_id(),
        **overrides,
    }


def errors_of(model: type[BaseModel], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {e.field: e.message for e in field_errors(caught.value)}


def version_of(payload: dict[str, Any]) -> RecordVersion:
    return RecordVersion.model_validate(
        {
            "version_id": new_id(),
            "record_id": new_id(),
            "case_id": new_id(),
            "device_time": "2026-11-20T16:00:00Z",
            "payload": payload,
        }
    )


@pytest.mark.parametrize(
    "payload", [decision(), note()], ids=["review_decision", "supervision_note"]
)
def test_both_record_types_sync_as_record_versions_and_round_trip(payload: dict[str, Any]) -> None:
    version = version_of(payload)
    assert version.record_type == payload["record_type"]
    assert version.record_type in RECORD_TYPES
    assert RecordVersion.model_validate_json(version.model_dump_json()) == version


def test_a_countersignature_needs_no_comment() -> None:
    signed = ReviewDecision.model_validate(decision())
    assert (signed.action, signed.comment, signed.escalation_stage) == ("countersign", "", None)


@pytest.mark.parametrize("action", ["return", "escalate"])
def test_return_and_escalate_need_a_comment_and_the_error_names_the_field(action: str) -> None:
    stage = 2 if action == "escalate" else None
    errors = errors_of(
        ReviewDecision, decision(action=action, comment="   ", escalation_stage=stage)
    )
    assert list(errors) == ["comment"]
    assert action in errors["comment"]


def test_a_return_with_a_comment_is_accepted() -> None:
    returned = ReviewDecision.model_validate(decision(action="return", comment="Add the source."))
    assert returned.action == ReviewAction.RETURN
    assert returned.comment == "Add the source."


def test_escalating_needs_a_stage() -> None:
    errors = errors_of(ReviewDecision, decision(action="escalate", comment="Drift."))
    assert list(errors) == ["escalation_stage"]


@pytest.mark.parametrize("action", ["countersign", "return"])
def test_a_stage_is_only_for_escalations(action: str) -> None:
    errors = errors_of(ReviewDecision, decision(action=action, comment="Seen.", escalation_stage=2))
    assert list(errors) == ["escalation_stage"]


@pytest.mark.parametrize(("stage", "ok"), [(0, False), (1, True), (4, True), (5, False)], ids=str)
def test_escalation_stages_are_the_four_of_the_ladder(stage: int, ok: bool) -> None:
    data = decision(action="escalate", comment="No plan agreed.", escalation_stage=stage)
    if ok:
        assert ReviewDecision.model_validate(data).escalation_stage == stage
    else:
        assert list(errors_of(ReviewDecision, data)) == ["escalation_stage"]


def test_a_review_names_the_exact_version_it_reviewed() -> None:
    errors = errors_of(ReviewDecision, decision(reviewed_version_id="version 3"))
    assert list(errors) == ["reviewed_version_id"]


def test_a_review_time_must_be_timezone_aware() -> None:
    errors = errors_of(ReviewDecision, decision(decided_at="2026-11-20T16:00:00"))
    assert list(errors) == ["decided_at"]


def test_errors_never_echo_the_submitted_comment() -> None:
    bad = decision(action="escalate", comment=SECRET_COMMENT, escalation_stage=9)
    with pytest.raises(ValidationError) as caught:
        ReviewDecision.model_validate(bad)
    shown = " ".join(e.message for e in field_errors(caught.value))
    assert SECRET_COMMENT not in shown
    assert "9" not in shown.replace("escalation_stage", "")


def test_a_review_cannot_carry_fields_that_edit_the_reviewed_record() -> None:
    errors = errors_of(ReviewDecision, decision(summary="Rewritten by the supervisor."))
    assert list(errors) == ["summary"]


def test_a_supervision_note_keeps_discussion_and_agreed_actions() -> None:
    kept = SupervisionNote.model_validate(note())
    assert len(kept.child_ids) == 2
    assert kept.agreed_actions[0].owner == "HV"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"child_ids": []}, "child_ids"),
        ({"discussion": "  "}, "discussion"),
        ({"author_id": "someone"}, "author_id"),
        ({"agreed_actions": [{"action": "Visit", "owner": "HV"}]}, "agreed_actions[0].due"),
    ],
    ids=["no_child", "blank_discussion", "bad_author", "action_without_due"],
)
def test_a_supervision_note_refuses_incomplete_input(overrides: dict[str, Any], field: str) -> None:
    assert list(errors_of(SupervisionNote, note(**overrides))) == [field]


def test_a_supervision_note_is_not_a_chronology_fact() -> None:
    errors = errors_of(SupervisionNote, note(event_datetime="2026-11-20T10:00:00Z"))
    assert list(errors) == ["event_datetime"]
