"""version_fields (what ingest stores of a payload for queries) agrees with the Python rules
that read the same payloads: the records a record is about, a plan's lead, an outcome's plan."""

import json
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from shared.models import RecordPayload
from shared.models.analysis import AnalysisNote
from shared.models.decision import DecisionRecord
from shared.models.link import SameEventLink
from shared.models.review import ReviewDecision
from sync_server.repository.version_fields import ABOUT_FIELDS, KEPT_FIELDS, field_rows
from sync_server.services.sync.ingest import _named_records

ABOUT: list[tuple[type[BaseModel], str, Any]] = [
    (ReviewDecision, "reviewed_record_id", "entry-1"),
    (DecisionRecord, "trigger_entry_id", "entry-2"),
    (SameEventLink, "entry_record_ids", ("entry-3", "entry-4")),
    (AnalysisNote, "entry_ids", ("entry-5", "entry-6", "entry-5")),
]


def _stored(record_type: str, **fields: Any) -> set[str]:
    body = json.dumps({"payload": {"record_type": record_type, **fields}})
    return {value for _, field, value, _ in field_rows("v", record_type, "c", body)
            if field in ABOUT_FIELDS}  # fmt: skip


@pytest.mark.parametrize(
    ("model", "field", "value"), ABOUT, ids=lambda x: getattr(x, "__name__", "")
)
def test_the_records_a_record_is_about_are_stored_as_ingest_names_them(
    model: type[BaseModel], field: str, value: Any
) -> None:
    payload = model.model_construct(**{field: value})
    record_type = model.model_fields["record_type"].default
    named = set(_named_records(payload))  # type: ignore[arg-type]
    assert named == _stored(
        record_type, **{field: list(value) if isinstance(value, tuple) else value}
    )
    assert KEPT_FIELDS[record_type] == (field,)


def test_no_other_record_type_is_about_another_record() -> None:
    union = typing.get_args(typing.get_args(RecordPayload)[0])
    others = [m for m in union if m not in {model for model, _, _ in ABOUT}]
    assert len(others) > 10
    for model in others:
        assert _named_records(model.model_construct()) == (), model.__name__


def test_a_missing_or_malformed_field_stores_nothing() -> None:
    assert field_rows("v", "review_decision", "c", json.dumps({"payload": {}})) == []
    assert (
        field_rows("v", "cp_plan", "c", json.dumps({"payload": {"lead_practitioner_id": 7}})) == []
    )
    assert field_rows("v", "chronology_entry", "c", "not json at all") == []
