"""POST /auth/login: a device signs in and gets its own token."""

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import RawBody

from shared.protocol import LoginRequest, LoginResponse
from sync_server.config import Settings
from sync_server.controllers.openapi import errors, raw_body
from sync_server.services import AuthService
from sync_server.services.access.client_address import client_address


class AuthController(Controller):
    """Sign-in."""

    path = "/auth"
    tags = ["auth"]  # noqa: RUF012

    @post(
        "/login",
        status_code=200,
        responses=errors(400, 401, 429),
        dependencies=raw_body(LoginRequest),
    )
    async def login(
        self, request: Request[Any, Any, Any], body: RawBody, auth: NamedDependency[AuthService]
    ) -> LoginResponse:
        """Sign in with a LoginRequest body; the token is shown once."""
        settings: Settings = request.app.state["settings"]
        peer = request.client.host if request.client else None
        forwarded = request.headers.getall("x-forwarded-for", [])
        address = client_address(peer, forwarded, settings.trusted_proxies)
        return await auth.login(body, address)
