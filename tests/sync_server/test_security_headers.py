"""Security headers on every answer: success, refusal and server error alike."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from sync_server.app import HSTS, SECURITY_HEADERS
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import sign_in

EXPECTED = {
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


def _assert_secured(headers: Any) -> None:
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, name


def test_the_expected_headers_are_the_ones_the_app_sets() -> None:
    assert {k.lower(): v for k, v in SECURITY_HEADERS.items()} == EXPECTED


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/health", 200), ("GET", "/schema/openapi.json", 200), ("GET", "/nowhere", 404),
     ("GET", "/me", 401), ("POST", "/auth/login", 400), ("DELETE", "/health", 405)],
    ids=["health", "openapi", "unmatched-404", "no-token-401", "bad-body-400", "method-405"],
)  # fmt: skip
async def test_headers_on_answers_and_refusals(
    client: AsyncTestClient[Any], method: str, path: str, status: int
) -> None:
    response = await client.request(method, path, content=b"not json")
    assert response.status_code == status
    _assert_secured(response.headers)
    assert "strict-transport-security" not in response.headers, "plain HTTP: no HSTS"


async def test_headers_on_a_server_error(
    client: AsyncTestClient[Any], services: ServiceContainer
) -> None:
    headers = await sign_in(client, "demo-hv")
    services.repository.close()  # every database call now raises: an unexpected error

    response = await client.get("/me", headers=headers)

    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    _assert_secured(response.headers)


async def test_hsts_only_over_https(app: Litestar) -> None:
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        response = await client.get("/health")
    assert response.headers["strict-transport-security"] == HSTS
    _assert_secured(response.headers)
