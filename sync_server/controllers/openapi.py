"""OpenAPI descriptions shared by the controllers: the error body, raw-JSON responses and
the request bodies read raw."""

from typing import TYPE_CHECKING, Any, cast

from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIType, Schema, SecurityRequirement
from litestar.params import BodyKwarg, ParameterKwarg
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

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


class VariadicTupleSchema(OpenAPISchemaPlugin):
    """Describe a constrained `tuple[X, ...]` field (`Field(min_length=1)`) as an array of X.

    Litestar 2.25 gives such a field `items: {oneOf: [X, {}]}` (it keeps the `...` as a type),
    which every string satisfies twice, so no JSON Schema validator accepts any value: a
    generated client or a validator would refuse the very entries the server takes.
    """

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        """Types alone are never enough: see is_plugin_supported_field."""
        return False

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        """A tuple of one type, any length, with a length constraint."""
        inner = field_definition.inner_types
        constrained = isinstance(field_definition.kwarg_definition, ParameterKwarg | BodyKwarg)
        return (
            field_definition.origin is tuple
            and len(inner) == 2  # X and the ellipsis
            and inner[1].annotation is Ellipsis
            and constrained
        )

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: "SchemaCreator"
    ) -> Schema:
        """An array of the tuple's one type, with the field's length bounds."""
        limits = cast("ParameterKwarg | BodyKwarg", field_definition.kwarg_definition)
        return Schema(
            type=OpenAPIType.ARRAY,
            items=schema_creator.for_field_definition(field_definition.inner_types[0]),
            min_items=limits.min_items,
            max_items=limits.max_items,
        )
