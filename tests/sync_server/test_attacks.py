"""Attacks on the server (issue 7): replayed pushes, a stolen token after revocation, and
guessing the ids of other children's records. (Tampered ciphertext is a device-side test.)"""

from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from sync_server.admin_cli import admin_command
from sync_server.demo import DemoSeed
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import PASSWORD, entry, push, stored_rows

Headers = dict[str, str]


async def test_a_replayed_push_is_answered_duplicate_and_nothing_is_stored_twice(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, db_path: Path
) -> None:
    fam, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    items = [entry(fam.family_id, sw_id, [child]) for child in fam.child_ids]
    first = await push(client, sw, items)
    before = stored_rows(db_path)

    replayed = [await push(client, sw, items) for _ in range(3)]

    assert [r["status"] for r in first] == ["accepted"] * len(items)
    for results in replayed:
        assert [r["status"] for r in results] == ["duplicate"] * len(items)
        assert [r["server_seq"] for r in results] == [r["server_seq"] for r in first]
    assert stored_rows(db_path) == before


async def test_a_replayed_push_from_another_device_of_the_same_user_stores_nothing(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, db_path: Path
) -> None:
    fam, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    items = [entry(fam.family_id, sw_id, [fam.child_ids[0]])]
    await push(client, sw, items)
    before = stored_rows(db_path)
    other = await _login(client, "demo-sw")
    assert [r["status"] for r in await push(client, other["headers"], items)] == ["duplicate"]
    assert stored_rows(db_path) == before


async def _login(client: AsyncTestClient[Any], username: str) -> dict[str, Any]:
    response = await client.post(
        "/auth/login",
        json={"username": username, "password": PASSWORD, "device_name": "stolen phone"},
    )
    assert response.status_code == 200
    body = response.json()
    return {"device_id": body["device_id"], "headers": {"Authorization": f"Bearer {body['token']}"}}


def _bearer_gets(app: Litestar) -> list[str]:
    """Every GET route that needs a token, with its path parameters filled with a fresh id."""
    paths = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "GET" in handler.http_methods and handler.resolve_security():
                path = route.path_format
                for name in route.path_parameters:
                    path = path.replace(f"{{{name}}}", new_id())
                paths.append(path)
    return sorted(set(paths))


@pytest.mark.parametrize("revoke", ["revoke-device", "revoke-user"])
async def test_a_stolen_token_is_refused_everywhere_once_revoked(
    app: Litestar, client: AsyncTestClient[Any], demo: DemoSeed, db_path: Path, revoke: str
) -> None:
    stolen = await _login(client, "demo-sw")
    assert (await client.get("/me", headers=stolen["headers"])).status_code == 200
    target = stolen["device_id"] if revoke == "revoke-device" else "demo-sw"

    assert admin_command([revoke, "--db", str(db_path), target]) == 0

    gets = _bearer_gets(app)
    assert {"/sync/pull", "/me", "/review/break-glass"} <= set(gets)
    for path in gets:
        response = await client.get(path, headers=stolen["headers"])
        assert (response.status_code, response.json()["code"]) == (401, "device_revoked"), path
    pushed = await client.post(
        "/sync/push", json={"protocol_version": 1, "items": []}, headers=stolen["headers"]
    )
    assert (pushed.status_code, pushed.json()["code"]) == (401, "device_revoked")


def _guess_urls(child_id: str, case_id: str, record_id: str) -> list[str]:
    return [
        f"/children/{child_id}/chronology",
        f"/children/{child_id}/chronology.pdf",
        f"/children/{child_id}/alerts",
        f"/children/{child_id}/same-event-suggestions",
        f"/cases/{case_id}/chronology",
        f"/cases/{case_id}/chronology.pdf",
        f"/cases/{case_id}/decisions/pending",
        f"/cases/{case_id}/transfer-pack",
        f"/cases/{case_id}/transfer-pack.pdf",
        f"/records/{record_id}/versions",
    ]


async def test_guessing_another_childs_ids_answers_like_an_unknown_id_and_is_audited(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, services: ServiceContainer
) -> None:
    fam, sw_id = demo.cases[0], demo.practitioners["demo-sw"].id
    note = entry(fam.family_id, sw_id, [fam.child_ids[0]])
    await push(client, sw, [note])
    hv2 = (await _login(client, "demo-hv2"))["headers"]  # another team, no cases
    real = _guess_urls(fam.child_ids[0], fam.family_id, note["record_id"])
    unknown = _guess_urls(new_id(), new_id(), new_id())

    for guessed, never_existed in zip(real, unknown, strict=True):
        hit = await client.get(guessed, headers=hv2)
        miss = await client.get(never_existed, headers=hv2)
        assert hit.status_code == 404, guessed
        assert (hit.status_code, hit.json()) == (miss.status_code, miss.json()), guessed
        assert hit.headers.get("content-type") == miss.headers.get("content-type")

    hv2_id = demo.practitioners["demo-hv2"].id
    refused = {
        e.subject_id
        for e in services.repository.audit_events()
        if e.actor_id == hv2_id and e.action.endswith("_refused")
    }
    assert {fam.child_ids[0], fam.family_id, note["record_id"]} <= refused


def _answer(result: dict[str, Any]) -> tuple[Any, ...]:
    """Everything an answer tells the pusher, but the id it is about."""
    return tuple(sorted((k, v) for k, v in result.items() if k != "version_id"))


async def test_pushing_an_id_stored_in_a_case_out_of_reach_is_answered_as_an_unknown_id(
    client: AsyncTestClient[Any], sw: Headers, hv: Headers, demo: DemoSeed, db_path: Path
) -> None:
    """Regression (existence oracle): a stored id in a case the pusher cannot reach was
    answered "already used for a different version", an unknown id "not allocated to you"."""
    fam3, sw_id = demo.cases[2], demo.practitioners["demo-sw"].id  # demo-hv has families 1-2
    hv_id, fam1 = demo.practitioners["demo-hv"].id, demo.cases[0]
    (stored,) = await push(
        client, sw, [original := entry(fam3.family_id, sw_id, [fam3.child_ids[0]])]
    )
    before = stored_rows(db_path)

    unknown = entry(fam3.family_id, hv_id, [fam3.child_ids[0]], summary="Probe.")
    (unknown_answer,) = await push(client, hv, [unknown])
    probes = [
        {**unknown, "version_id": original["version_id"]},  # different content, same case
        {**original},  # the very same content
        # the id, but in a case the prober may use
        {**entry(fam1.family_id, hv_id, [fam1.child_ids[0]]), "version_id": original["version_id"]},
    ]
    answers = [(await push(client, hv, [probe]))[0] for probe in probes]

    assert unknown_answer["status"] == "rejected"
    assert unknown_answer["message"] == "this case is not allocated to you"
    assert [_answer(a) for a in answers] == [_answer(unknown_answer)] * len(probes)
    assert stored_rows(db_path) == before
    (retry,) = await push(client, sw, [original])  # the device that sent it: still acknowledged
    assert (retry["status"], retry["server_seq"]) == ("duplicate", stored["server_seq"])
