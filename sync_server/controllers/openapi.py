"""OpenAPI descriptions shared by the controllers: the error body and raw-JSON responses."""

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
