"""The `caller` dependency: the signed-in device behind a request's bearer token."""

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from sync_server.services import AuthService, Session


async def provide_caller(
    request: Request[Any, Any, Any], auth: NamedDependency[AuthService]
) -> Session:
    """Return the caller's session, or raise NotAuthenticated."""
    return auth.authenticate(request.headers.get("authorization"))
