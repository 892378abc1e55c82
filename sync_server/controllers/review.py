"""Supervision on the server (issue 6): the review queue, the team dashboard, a record's reviews."""

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from shared.supervision.dashboard import DashboardFigureResponse, TeamDashboardResponse
from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import Session
from sync_server.services.supervision.dashboard import DashboardService
from sync_server.services.supervision.review import (
    RecordReviewsResponse,
    ReviewQueueResponse,
    ReviewService,
)

_SINCE = "your last review (ISO time with offset); default: your latest review decision"
_FIGURE = "one figure's key: only that figure and the list behind it"


@get("/review/queue", tags=["review"], security=BEARER, responses=errors(400, 401, 403))
async def review_queue(
    caller: NamedDependency[Session],
    review: NamedDependency[ReviewService],
    since: Annotated[str | None, QueryParameter(description=_SINCE)] = None,
) -> ReviewQueueResponse:
    """Return your team's versions waiting for your review, oldest first (supervisors only)."""
    return review.queue(caller, since)


@get("/review/dashboard", tags=["review"], security=BEARER, responses=errors(400, 401, 403))
async def team_dashboard(
    caller: NamedDependency[Session],
    dashboard: NamedDependency[DashboardService],
    figure: Annotated[str | None, QueryParameter(description=_FIGURE)] = None,
) -> TeamDashboardResponse | DashboardFigureResponse:
    """Return your team's dashboard, each figure with the list behind it (supervisors only)."""
    if figure is None:
        return dashboard.dashboard(caller)
    return dashboard.figure(caller, figure)


@get(
    "/records/{record_id:str}/reviews",
    tags=["review"],
    security=BEARER,
    responses=errors(401, 404),
)
async def record_reviews(
    record_id: FromPath[str],
    caller: NamedDependency[Session],
    review: NamedDependency[ReviewService],
) -> RecordReviewsResponse:
    """Return the review decisions on the record's versions (its author or team supervisor)."""
    return review.for_record(caller, record_id)
