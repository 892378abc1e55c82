"""Turn pydantic validation errors into messages that name the field and say what is needed.

The same messages reach the practitioner in the app and the client in the API's 4xx answers.
Model-level rules (V1-V6) raise `ValueError("field: what is needed")`; this module lifts the
field name out of that message so every error has a field.
"""

import re

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.models import RECORD_TYPES

_FIELD_PREFIX = re.compile(r"^(?:Value error, )?([a-z_][a-z0-9_.]*): (.+)$", re.DOTALL)


class FieldError(BaseModel):
    """One problem with one field, in plain words."""

    model_config = ConfigDict(frozen=True)

    field: str
    message: str


def _dotted(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part in RECORD_TYPES and parts and parts[-1] == "payload":
            continue  # the discriminated-union tag adds nothing a person needs to read
        else:
            parts.append(part if not parts else f".{part}")
    return "".join(parts)


def field_errors(exc: ValidationError) -> list[FieldError]:
    """Return one FieldError per problem in a pydantic ValidationError."""
    out: list[FieldError] = []
    for error in exc.errors(include_url=False, include_input=False):
        where = _dotted(tuple(error["loc"]))
        message = str(error["msg"])
        named = _FIELD_PREFIX.match(message)
        if named and error["type"] == "value_error":
            name = named.group(1)
            if not where or where == name or where.endswith(f".{name}"):
                field = where or name
            else:
                field = f"{where}.{name}"
            out.append(FieldError(field=field, message=named.group(2)))
        else:
            out.append(
                FieldError(field=where or "body", message=message.removeprefix("Value error, "))
            )
    return out
