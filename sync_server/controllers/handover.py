"""POST /sync/forward: a supervisor forwards a version refused after a transfer (issue 13)."""

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import RawBody

from shared.handover import HandoverForwardRequest
from shared.protocol import PushItemResult
from sync_server.config import Settings
from sync_server.controllers.openapi import BEARER, errors, raw_body
from sync_server.services import Session
from sync_server.services.access.client_address import client_address
from sync_server.services.handover.handover_forward import HandoverForwardService


class HandoverForwardController(Controller):
    """Forwarding the previous team's kept records."""

    path = "/sync"
    tags = ["sync"]  # noqa: RUF012
    security = BEARER

    @post(
        "/forward",
        status_code=200,
        responses=errors(400, 401, 403, 429),
        dependencies=raw_body(HandoverForwardRequest),
    )
    async def forward(
        self,
        request: Request[Any, Any, Any],
        body: RawBody,
        caller: NamedDependency[Session],
        forwards: NamedDependency[HandoverForwardService],
    ) -> PushItemResult:
        """Forward a HandoverForwardRequest body from the author's device; the answer is the
        version's push result."""
        settings: Settings = request.app.state["settings"]
        peer = request.client.host if request.client else None
        forwarded = request.headers.getall("x-forwarded-for", [])
        address = client_address(peer, forwarded, settings.trusted_proxies)
        return await forwards.forward_json(caller, body, address)
