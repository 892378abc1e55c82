"""Decode request bodies: raw JSON bytes in, validated shared.protocol models out.

The push body is validated in one call on the raw bytes (the fast path); only when that fails
is it taken apart item by item, so one bad item cannot stop the good ones. Messages name the
field and never repeat what was sent.
"""

from typing import Any, Literal, TypeVar

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared.ids import is_id
from shared.protocol import MAX_PUSH_ITEMS, PushRequest, RecordVersion
from shared.validation import field_errors
from sync_server.errors import InvalidJson, ValidationFailed
from sync_server.services.sync.outcomes import Outcome, rejected

T = TypeVar("T")

PUSH_REQUEST = TypeAdapter(PushRequest)
RECORD_VERSION = TypeAdapter(RecordVersion)


class _PushEnvelope(BaseModel):
    """The push body without its items checked: the slow path's first step."""

    model_config = ConfigDict(extra="forbid")

    protocol_version: Literal[1] = 1
    items: list[Any] = Field(max_length=MAX_PUSH_ITEMS)


def _is_invalid_json(exc: ValidationError) -> bool:
    return any(error["type"] == "json_invalid" for error in exc.errors(include_url=False))


def _refused(exc: ValidationError) -> ValidationFailed:
    errors = [error.model_dump() for error in field_errors(exc)]
    first = errors[0]
    return ValidationFailed(f"{first['field']}: {first['message']}", {"errors": errors})


def decode(adapter: TypeAdapter[T], body: bytes) -> T:
    """Validate a JSON body against a model in one call.

    Raises:
        InvalidJson: the body is not JSON.
        ValidationFailed: the JSON does not fit the model; details.errors names each field.
    """
    try:
        return adapter.validate_json(body)
    except ValidationError as exc:
        if _is_invalid_json(exc):
            raise InvalidJson() from None
        raise _refused(exc) from None


def _rejected(raw: object, exc: ValidationError) -> Outcome:
    errors = field_errors(exc)
    message = errors[0].message
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problems)"
    version_id = raw.get("version_id") if isinstance(raw, dict) else None
    # Echo the id only when it is a well-formed id: never any other submitted value.
    valid_id = version_id if isinstance(version_id, str) and is_id(version_id) else ""
    return rejected(valid_id, errors[0].field, message)


def decode_push(body: bytes) -> list[RecordVersion | Outcome]:
    """Return the pushed items in order: each a valid version, or its rejection.

    Raises:
        InvalidJson: the body is not JSON.
        ValidationFailed: the envelope (protocol_version, items, item count) is wrong.
    """
    try:
        return list(PUSH_REQUEST.validate_json(body).items)
    except ValidationError as exc:
        if _is_invalid_json(exc):
            raise InvalidJson() from None
    # Slow path: something is wrong somewhere; find out which items.
    try:
        data = pydantic_core.from_json(body)
    except ValueError:
        raise InvalidJson() from None
    try:
        envelope = _PushEnvelope.model_validate(data)
    except ValidationError as exc:
        raise _refused(exc) from None
    out: list[RecordVersion | Outcome] = []
    for raw in envelope.items:
        try:
            out.append(RECORD_VERSION.validate_python(raw))
        except ValidationError as exc:
            out.append(_rejected(raw, exc))
    return out
