"""POST /cases/{case_id}/break-glass and GET /review/break-glass: audited out-of-scope reads."""

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from sync_server.controllers.openapi import BEARER, errors, raw_body
from sync_server.services import Session
from sync_server.services.access.break_glass import (
    BreakGlassGrantResponse,
    BreakGlassRequest,
    BreakGlassReview,
    BreakGlassService,
)


class BreakGlassController(Controller):
    """Break-glass grants and their review."""

    tags = ["break-glass"]  # noqa: RUF012
    security = BEARER

    @post(
        "/cases/{case_id:str}/break-glass",
        status_code=201,
        responses=errors(400, 401, 403, 404),
        dependencies=raw_body(BreakGlassRequest),
    )
    async def grant(
        self,
        case_id: FromPath[str],
        body: RawBody,
        caller: NamedDependency[Session],
        break_glass: NamedDependency[BreakGlassService],
    ) -> BreakGlassGrantResponse:
        """Open a case outside your scope for reading, with a reason (a BreakGlassRequest
        body, at least 20 characters); the grant expires and your supervisor sees it."""
        return break_glass.grant_json(caller, case_id, body)

    @get("/review/break-glass", responses=errors(401, 403))
    async def review(
        self, caller: NamedDependency[Session], break_glass: NamedDependency[BreakGlassService]
    ) -> BreakGlassReview:
        """List your team's break-glass grants of the last 30 days, with reasons (supervisors)."""
        return break_glass.review(caller)
