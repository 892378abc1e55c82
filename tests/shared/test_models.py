"""The shared models: validation messages name the field, and data round-trips."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from shared.ids import is_id, new_id
from shared.models import (
    ChecklistResponse,
    ChronologyEntry,
    RecordPayload,
    SignificantAdult,
    Visit,
)
from shared.protocol import RecordVersion
from shared.validation import field_errors
from shared.vocabulary import Agency, EventType, InformationSource, Role, Significance

AUTHOR = new_id()
CHILD = new_id()


def entry(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "record_type": "chronology_entry",
        "child_ids": [CHILD],
        "event_datetime": "2026-11-20T10:00:00Z",
        "source_agency": "health_visiting",
        "information_source": "direct_observation",
        "author_id": AUTHOR,
        "author_role": "health_visitor",
        "event_type": "home_visit",
        "summary": "Home visit; kitchen had no food.",
        "significance": "significant",
        "action_taken": "Food bank referral made.",
    }
    base.update(overrides)
    return base


def errors_of(model: type, data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)  # type: ignore[attr-defined]
    return {e.field: e.message for e in field_errors(caught.value)}


def test_new_ids_are_canonical_uuid7_and_unique() -> None:
    ids = [new_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(is_id(i) and i[14] == "7" and i[19] in "89ab" for i in ids)


def test_entry_without_action_or_reason_names_action_taken() -> None:
    errors = errors_of(ChronologyEntry, entry(action_taken=""))
    assert "action_taken" in errors
    assert "why none" in errors["action_taken"]


def test_entry_summary_over_1000_characters_is_refused() -> None:
    errors = errors_of(ChronologyEntry, entry(summary="x" * 1001))
    assert list(errors) == ["summary"]


def test_unknown_event_type_names_the_field() -> None:
    errors = errors_of(ChronologyEntry, entry(event_type="rumour"))
    assert list(errors) == ["event_type"]


def test_unknown_field_is_refused_by_name() -> None:
    errors = errors_of(ChronologyEntry, entry(mood="grumpy"))
    assert list(errors) == ["mood"]


def visit(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "child_ids": [CHILD],
        "visit_type": "statutory_CP",
        "start": "2026-11-20T10:00:00Z",
        "end": "2026-11-20T11:00:00Z",
        "persons_present": [{"description": "mother"}],
        "child_seen": True,
        "seen_alone": True,
        "father_or_male_carer": {"adult_ids": [new_id()]},
    }
    base.update(overrides)
    return base


def test_visit_not_seen_alone_needs_a_reason() -> None:
    errors = errors_of(Visit, visit(seen_alone=False))
    assert list(errors) == ["not_seen_alone_reason"]
    assert Visit.model_validate(visit(seen_alone=False, not_seen_alone_reason="pre_verbal"))


def test_visit_father_question_must_be_answered() -> None:
    errors = errors_of(Visit, visit(father_or_male_carer={}))
    assert list(errors) == ["father_or_male_carer"]
    assert Visit.model_validate(
        visit(father_or_male_carer={"not_known_reason": "Mother declined to say; follow-up set."})
    )


def test_visit_needs_someone_present() -> None:
    assert "persons_present" in errors_of(Visit, visit(persons_present=[]))


def test_adult_needs_a_name_or_a_description() -> None:
    errors = errors_of(SignificantAdult, {"child_ids": [CHILD], "relationship": "unknown_male"})
    assert list(errors) == ["name"]
    assert SignificantAdult(
        child_ids=(CHILD,), relationship="unknown_male", description_if_unidentified="tall, 30s"
    )


def test_checklist_concern_needs_evidence_and_known_items() -> None:
    base = {
        "child_id": CHILD,
        "assessed_at": "2026-11-20T10:00:00Z",
        "assessor_id": AUTHOR,
        "age_band": "0-1",
    }
    errors = errors_of(
        ChecklistResponse, {**base, "answers": [{"key": "PHY.HYGIENE", "rating": "some_concern"}]}
    )
    assert list(errors) == ["answers[0].evidence"]
    errors = errors_of(
        ChecklistResponse,
        {**base, "answers": [{"key": "DEV.SETTING_ATTENDANCE", "rating": "meets_needs"}]},
    )
    assert list(errors) == ["answers"]  # not an item for a baby


def test_future_schema_version_is_refused() -> None:
    assert "schema_version" in errors_of(ChronologyEntry, entry(schema_version=2))


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=200,
).filter(lambda s: s.strip() == s and s)


@given(
    summary=text,
    action=text,
    significance=st.sampled_from(Significance),
    event_type=st.sampled_from(EventType),
    agency=st.sampled_from(Agency),
    when=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
)
def test_record_version_round_trips_through_json(
    summary: str,
    action: str,
    significance: Significance,
    event_type: EventType,
    agency: Agency,
    when: datetime,
) -> None:
    payload = ChronologyEntry(
        child_ids=(CHILD,),
        event_datetime=when,
        source_agency=agency,
        information_source=InformationSource.PARENT_ACCOUNT,
        author_id=AUTHOR,
        author_role=Role.SOCIAL_WORKER,
        event_type=event_type,
        summary=summary,
        significance=significance,
        action_taken=action,
    )
    version = RecordVersion(
        version_id=new_id(),
        record_id=new_id(),
        case_id=new_id(),
        device_time=when,
        payload=payload,
    )
    again = RecordVersion.model_validate_json(version.model_dump_json())
    assert again == version
    assert TypeAdapter(RecordPayload).validate_python(payload.model_dump()) == payload


def test_safety_scale_is_0_to_10_and_actions_need_owner_and_due_date() -> None:
    errors = errors_of(Visit, visit(scaling=[{"rated_by": "mother", "value": 11}]))
    assert list(errors) == ["scaling[0].value"]
    errors = errors_of(Visit, visit(actions=[{"action": "Book GP appointment", "owner": "Mum"}]))
    assert list(errors) == ["actions[0].due"]
    ok = Visit.model_validate(
        visit(
            scaling=[{"rated_by": "social worker", "value": 4}],
            actions=[{"action": "Book GP", "owner": "Mum", "due": "2026-12-01"}],
        )
    )
    assert ok.scaling[0].value == 4


def version(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "version_id": new_id(),
        "record_id": new_id(),
        "case_id": new_id(),
        "device_time": "2026-11-20T10:00:00Z",
        "payload": entry(),
    }
    base.update(overrides)
    return base


def test_an_amendment_must_say_why() -> None:
    errors = errors_of(RecordVersion, version(replaces_version_id=new_id()))
    assert list(errors) == ["amend_reason"]
    assert RecordVersion.model_validate(version(replaces_version_id=new_id(), amend_reason="typo"))


def test_a_first_version_cannot_be_withdrawn_or_resolve_anything() -> None:
    assert list(errors_of(RecordVersion, version(lifecycle="withdrawn"))) == ["lifecycle"]
    errors = errors_of(RecordVersion, version(also_replaces=[new_id()], amend_reason="x"))
    assert list(errors) == ["replaces_version_id"]


def test_a_resolution_names_each_replaced_version_once() -> None:
    base = new_id()
    errors = errors_of(
        RecordVersion,
        version(replaces_version_id=base, also_replaces=[base], amend_reason="merge"),
    )
    assert list(errors) == ["also_replaces"]
    other = new_id()
    ok = RecordVersion.model_validate(
        version(replaces_version_id=base, also_replaces=[other], amend_reason="merge")
    )
    assert ok.replaced_ids() == (base, other)


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:30:00+01:00", "9999-12-31T12:00:00Z", "1899-12-31T23:59:00Z"]
)
def test_event_times_outside_1900_to_2100_are_refused_by_name(moment: str) -> None:
    """Regression: such years overflowed the server's UTC and day-end arithmetic (a 500)."""
    errors = errors_of(ChronologyEntry, entry(event_datetime=moment))
    assert list(errors) == ["event_datetime"]
    assert errors["event_datetime"].startswith("must be a real date")
