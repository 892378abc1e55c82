"""POST /devices/{device_id}/wipe-confirmation: a withdrawn device confirms its wipe.

The one route a revoked token may call; every other route answers it `device_revoked`.
"""

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from shared.device_wipe import WipeConfirmation, WipeConfirmed
from sync_server.controllers.openapi import BEARER, errors, raw_body
from sync_server.services import AuthService


@post(
    "/devices/{device_id:str}/wipe-confirmation",
    status_code=200,
    tags=["auth"],
    security=BEARER,
    responses=errors(400, 401, 403),
    dependencies=raw_body(WipeConfirmation),
)
async def confirm_wipe(
    request: Request[Any, Any, Any],
    device_id: FromPath[str],
    body: RawBody,
    auth: NamedDependency[AuthService],
) -> WipeConfirmed:
    """Confirm, with this device's revoked token, that its keys and data are destroyed (a
    WipeConfirmation body: counts of the unsynced work lost). A replay answers the first."""
    return auth.confirm_wipe(request.headers.get("authorization"), device_id, body)
