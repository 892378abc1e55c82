"""The OpenAPI document describes every request body, the ones read raw included, and the
bodies it describes are the ones the server takes (tests/e2e/test_generated_client.py goes on
to generate a client from it)."""

from typing import Any

import jsonschema
import pytest
from litestar.testing import AsyncTestClient

from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import PASSWORD, entry, sign_in

BODIES = {
    ("/auth/login", "post"): "LoginRequest",
    ("/sync/push", "post"): "PushRequest",
    ("/devices/{device_id}/wipe-confirmation", "post"): "WipeConfirmation",
    ("/cases/{case_id}/break-glass", "post"): "BreakGlassRequest",
    ("/cases/{case_id}/transfers", "post"): "TransferRequest",
    ("/sync/forward", "post"): "HandoverForwardRequest",
}


async def _document(client: AsyncTestClient[Any]) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _validator(document: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    """A validator of one component schema, its references resolved in the document."""
    root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(root)


async def test_every_operation_that_takes_a_body_describes_it(
    client: AsyncTestClient[Any],
) -> None:
    document = await _document(client)
    described = {
        (path, method): operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch")
    }
    assert described == {key: f"#/components/schemas/{name}" for key, name in BODIES.items()}


async def test_a_real_sign_in_and_push_match_the_described_bodies(
    client: AsyncTestClient[Any], demo: DemoSeed
) -> None:
    document = await _document(client)
    login = {"username": "demo-sw", "password": PASSWORD, "device_name": "phone"}
    _validator(document, "LoginRequest").validate(login)
    case, author = demo.cases[0], demo.practitioners["demo-sw"]
    push = {"protocol_version": 1, "items": [entry(case.family_id, author.id, [case.child_ids[0]])]}
    _validator(document, "PushRequest").validate(push)

    headers = await sign_in(client, "demo-sw")
    response = await client.post("/sync/push", json=push, headers=headers)
    assert response.json()["results"][0]["status"] == "accepted"


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("LoginRequest", {"username": "demo-sw", "device_name": "phone"}),
        ("PushRequest", {"protocol_version": 1, "items": [{"version_id": "not an id"}]}),
    ],
)
async def test_a_body_the_server_refuses_is_refused_by_the_document_too(
    client: AsyncTestClient[Any], name: str, body: dict[str, Any]
) -> None:
    document = await _document(client)
    with pytest.raises(jsonschema.ValidationError):
        _validator(document, name).validate(body)
