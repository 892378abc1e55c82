"""Turn a refused record into one plain message that names each field at fault.

The message comes from shared.validation's field errors, so it never repeats what was typed.
"""

from pydantic import ValidationError

from shared.validation import field_errors


def form_error_text(exc: ValidationError) -> str:
    """Return every problem in exc as "field: what is needed", joined by "; "."""
    return "; ".join(f"{e.field}: {e.message}" for e in field_errors(exc))
