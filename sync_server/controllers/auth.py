"""POST /auth/login: a device signs in and gets its own token."""

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import RawBody

from shared.protocol import LoginResponse
from sync_server.controllers.openapi import errors
from sync_server.services import AuthService


class AuthController(Controller):
    """Sign-in."""

    path = "/auth"
    tags = ["auth"]  # noqa: RUF012

    @post("/login", status_code=200, responses=errors(400, 401))
    async def login(self, body: RawBody, auth: NamedDependency[AuthService]) -> LoginResponse:
        """Sign in with a LoginRequest body; the token is shown once."""
        return await auth.login(body)
