"""GET /me: who the token signs in."""

from litestar import get
from litestar.di import NamedDependency

from shared.models import Practitioner
from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import Session


@get("/me", tags=["auth"], security=BEARER, responses=errors(401))
async def me(caller: NamedDependency[Session]) -> Practitioner:
    """Return the signed-in practitioner."""
    return caller.practitioner
