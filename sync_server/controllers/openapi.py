"""OpenAPI descriptions shared by the controllers: the error body, raw-JSON responses and
the request bodies read raw."""

from typing import Any

from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import SecurityRequirement

from shared.protocol import ErrorBody

BEARER: list[SecurityRequirement] = [{"BearerToken": []}]

_ERROR_TEXT = {
    400: "invalid_json or validation_failed",
    401: "not_authenticated, device_revoked (or invalid_credentials at sign-in)",
    403: "forbidden",
    404: "not_found",
    429: "too_many_requests (sign-in; see Retry-After)",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """Return ErrorBody response specs for these statuses."""
    return {
        status: ResponseSpec(
            data_container=ErrorBody, description=_ERROR_TEXT[status], generate_examples=False
        )
        for status in statuses
    }


def ok(model: type, description: str) -> dict[int, ResponseSpec]:
    """Return the 200 response spec for a handler that answers with pre-encoded JSON."""
    return {
        200: ResponseSpec(data_container=model, description=description, generate_examples=False)
    }


def raw_body(model: type) -> dict[str, Provide]:
    """Describe a body the handler reads raw (RawBody, validated once in its service) as the
    operation's request body, without changing how it is read.

    Litestar's OpenAPI generator takes an operation's request body from a `data` parameter
    of the handler or of any dependency it could resolve; this dependency has one typed as
    `model`. No handler asks for it by name, so it never runs and the body is never parsed
    twice: it is there for the document (and a client generated from it) alone.
    """

    def describes_body(data: Any) -> None:
        """Never called (see raw_body)."""

    describes_body.__annotations__ = {"data": model, "return": None}
    return {RAW_BODY_SCHEMA: Provide(describes_body, sync_to_thread=False)}


RAW_BODY_SCHEMA = "raw_body_schema"  # the dependency's name; no handler takes this parameter
