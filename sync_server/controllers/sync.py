"""POST /sync/push and GET /sync/pull: record versions in and out."""

from litestar import Controller, MediaType, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, RawBody

from shared.protocol import PullResponse, PushRequest, PushResponse
from sync_server.controllers.offload import Offload
from sync_server.controllers.openapi import BEARER, errors, ok, raw_body
from sync_server.services import DEFAULT_PULL_LIMIT, Session, SyncService


class SyncController(Controller):
    """Push and pull."""

    path = "/sync"
    tags = ["sync"]  # noqa: RUF012
    security = BEARER

    @post(
        "/push",
        status_code=200,
        responses={**ok(PushResponse, "one result per item, in order"), **errors(400, 401)},
        dependencies=raw_body(PushRequest),
    )
    async def push(
        self,
        body: RawBody,
        caller: NamedDependency[Session],
        sync: NamedDependency[SyncService],
        offload: NamedDependency[Offload],
    ) -> Response[bytes]:
        """Push a PushRequest body (read raw: validated once, in the service)."""
        answer = await offload(sync.push_json, caller, body)
        return Response(answer, media_type=MediaType.JSON)

    @get(
        "/pull",
        responses={**ok(PullResponse, "the caller's versions after cursor"), **errors(400, 401)},
    )
    async def pull(
        self,
        caller: NamedDependency[Session],
        sync: NamedDependency[SyncService],
        offload: NamedDependency[Offload],
        cursor: FromQuery[int] = 0,
        limit: FromQuery[int] = DEFAULT_PULL_LIMIT,
    ) -> Response[bytes]:
        """Pull the versions in the caller's cases with server_seq > cursor."""
        answer = await offload(sync.pull_json, caller, cursor, limit)
        return Response(answer, media_type=MediaType.JSON)
