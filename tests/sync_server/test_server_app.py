"""The app shell: health, OpenAPI, the one error shape, demo seeding, settings."""

import logging
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sync_server.__main__ import _parse, _settings
from sync_server.app import create_app
from sync_server.config import DEFAULT_DB_PATH, Settings, load_settings
from sync_server.errors import ConfigError
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import PASSWORD, fast_settings, stored_rows


async def test_health_needs_no_token(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_openapi_lists_every_route(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/health", "/auth/login", "/me", "/sync/push", "/sync/pull",
            "/children/{child_id}/chronology", "/cases/{case_id}/chronology",
            "/records/{record_id}/versions"} <= set(paths)  # fmt: skip
    assert "PullResponse" in response.text
    assert "ErrorBody" in response.text
    for path in ("/children/{child_id}/chronology", "/cases/{case_id}/chronology"):
        params = {p["name"] for p in paths[path]["get"]["parameters"] if p["in"] == "query"}
        assert params == {"from", "to", "agency", "significance", "neglect_type", "event_type"}
        assert "400" in paths[path]["get"]["responses"]
    assert "RecordHistoryResponse" in response.text


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [("GET", "/nowhere", 404, "not_found"), ("DELETE", "/sync/push", 405, "method_not_allowed"),
     ("GET", "/auth/login", 405, "method_not_allowed")],
    ids=["unknown-path", "wrong-method", "login-get"],
)  # fmt: skip
async def test_framework_errors_use_the_error_shape(
    client: AsyncTestClient[Any], method: str, path: str, status: int, code: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "details"}
    assert response.json()["code"] == code


async def test_unexpected_errors_are_a_generic_500_logged_without_content(
    app: Any, services: ServiceContainer, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    def explode(*_: object) -> None:
        raise RuntimeError("Mother's name is SECRET-NAME")

    monkeypatch.setattr(services.repository, "allocations", explode)
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        login = await client.post(
            "/auth/login", json={"username": "demo-hv", "password": PASSWORD, "device_name": "t"}
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        with caplog.at_level(logging.ERROR):
            response = await client.get("/sync/pull", headers=headers)
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "SECRET" not in response.text
    assert "SECRET" not in caplog.text
    assert "RuntimeError" in caplog.text
    assert "/sync/pull" in caplog.text


def test_demo_seeding_runs_once(db_path: Path) -> None:
    first = create_app(fast_settings(db_path))
    assert first.state["demo"].created
    before = stored_rows(db_path)
    first.state["services"].repository.close()
    second = create_app(fast_settings(db_path))
    assert not second.state["demo"].created
    assert stored_rows(db_path) == before
    repository = second.state["services"].repository
    assert len(repository.audit_events("demo_seeded")) == 1
    repository.close()


def test_demo_needs_a_password(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        create_app(Settings(db_path=tmp_path / "x.db", demo=True))


def test_demo_families_match_the_case_studies(services: ServiceContainer, demo: Any) -> None:
    repo = services.repository
    hv2 = demo.practitioners["demo-hv2"]
    assert repo.allocated_cases(hv2.id) == frozenset()
    assert hv2.team == "South Oxon"
    hv = demo.practitioners["demo-hv"]
    assert repo.allocated_cases(hv.id) == {demo.cases[0].family_id, demo.cases[1].family_id}
    assert [len(case.child_ids) for case in demo.cases] == [2, 2, 1]
    kinds = [[v.payload.record_type for v in case.versions] for case in demo.cases]
    assert all(k[0] == "family" and "chronology_entry" in k for k in kinds)


def test_settings_from_environment() -> None:
    env = {"DOORSTEP_DB": "/tmp/x.db", "DOORSTEP_PORT": "9001", "DOORSTEP_DEMO": "yes",
           "DOORSTEP_DEMO_PASSWORD": "pw", "DOORSTEP_PASSWORD_HASH_MEMORY_KIB": "64"}  # fmt: skip
    settings = load_settings(env)
    assert (settings.db_path, settings.port, settings.demo) == (Path("/tmp/x.db"), 9001, True)
    assert settings.password_hash_memory_kib == 64
    assert "pw" not in repr(settings)
    assert load_settings({}).db_path == DEFAULT_DB_PATH


@pytest.mark.parametrize(
    "env",
    [{"DOORSTEP_PORT": "eighty"}, {"DOORSTEP_PORT": "0"}, {"DOORSTEP_DEMO": "perhaps"},
     {"DOORSTEP_PASSWORD_HASH_MEMORY_KIB": "4"}],
    ids=["port-text", "port-zero", "demo-text", "argon-too-small"],
)  # fmt: skip
def test_bad_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_settings(env)


def test_command_line_flags_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOORSTEP_DB", "/tmp/from-env.db")
    monkeypatch.delenv("DOORSTEP_DEMO_PASSWORD", raising=False)
    settings, generated = _settings(_parse(["--db", "/tmp/flag.db", "--port", "8123", "--demo"]))
    assert settings.db_path == Path("/tmp/flag.db")
    assert settings.port == 8123
    assert generated is not None
    assert settings.demo_password == generated
    settings, generated = _settings(_parse([]))
    assert settings.db_path == Path("/tmp/from-env.db")
    assert generated is None
    assert not settings.demo


async def test_too_large_a_body_is_a_413_in_the_error_shape(tmp_path: Path) -> None:
    settings = fast_settings(tmp_path / "small.db").with_overrides(max_body_bytes=2048)
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        response = await client.post("/auth/login", content=b"x" * 4096)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
