"""The chronology filters as query parameters: one dependency both chronology views share."""

from typing import Annotated, Any

from litestar import Request
from litestar.params import QueryParameter

from shared.chronology import ChronologyQuery, FilterRefused
from sync_server.errors import ValidationFailed

_PERIOD = (
    "a date (2025-03-01: that whole day) or a date-time with its offset; inclusive, "
    "on the event time"
)


async def provide_filters(
    request: Request[Any, Any, Any],
    *,
    from_: Annotated[
        str | None, QueryParameter(name="from", description=f"earliest event: {_PERIOD}")
    ] = None,
    to: Annotated[str | None, QueryParameter(description=f"latest event: {_PERIOD}")] = None,
    agency: Annotated[
        list[str] | None, QueryParameter(description="source agency; repeat for any of several")
    ] = None,
    significance: Annotated[
        list[str] | None, QueryParameter(description="significance; repeat for any of several")
    ] = None,
    neglect_type: Annotated[
        list[str] | None, QueryParameter(description="neglect type; repeat for any of several")
    ] = None,
    event_type: Annotated[
        list[str] | None, QueryParameter(description="event type; repeat for any of several")
    ] = None,
) -> ChronologyQuery:
    """Return the checked query (ValidationFailed, a 400 naming the parameter, if not)."""
    try:
        return ChronologyQuery.parse(
            [name for name, _ in request.query_params.multi_items()],
            start=from_,
            end=to,
            agencies=agency,
            significances=significance,
            neglect_types=neglect_type,
            event_types=event_type,
        )
    except FilterRefused as refused:
        raise ValidationFailed.on(refused.field, refused.problem) from None
