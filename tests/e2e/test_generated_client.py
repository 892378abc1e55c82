"""A client generated from the served OpenAPI document by a standard generator
(openapi-python-client) signs in and pushes one chronology entry to the real server process.

The generator is a development dependency, found beside the Python running the tests, on PATH,
or named by DOORSTEP_OPENAPI_GENERATOR; without it this test is skipped on a developer's machine
and fails in CI. tests/sync_server/test_openapi_bodies.py also holds the document's request
bodies to real sign-in and push payloads.
"""

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, ServerProcess
from tests.sync_server.server_builders import entry

PACKAGE = "doorstep_sync_server_client"


def _generator() -> str:
    beside = Path(sys.executable).parent / "openapi-python-client"  # the project's .venv
    found = (
        os.environ.get("DOORSTEP_OPENAPI_GENERATOR")
        or (str(beside) if beside.exists() else None)
        or shutil.which("openapi-python-client")
    )
    if not found:
        reason = "openapi-python-client is not installed (a development dependency)"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"{reason}: CI must run this test.", pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def generated(
    server: ServerProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The client package generated from the running server's /schema/openapi.json."""
    generator = _generator()
    folder = tmp_path_factory.mktemp("generated")
    document = folder / "openapi.json"
    document.write_bytes(httpx.get(f"{server.url}/schema/openapi.json", timeout=30).content)
    # The generator finishes its code with ruff (a dev dependency here): the venv's must be found.
    path = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))
    done = subprocess.run(
        [generator, "generate", "--path", str(document), "--meta", "none",
         "--output-path", str(folder / PACKAGE)],
        cwd=folder, env={**os.environ, "PATH": path}, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_signs_in_and_pushes_one_entry(
    generated: ModuleType, server: ServerProcess
) -> None:
    models = _module("models")
    login = _module("api.auth.auth_login_login")
    with generated.Client(base_url=server.url) as anonymous:
        answer = login.sync(
            client=anonymous,
            body=models.LoginRequest(
                username="demo-sw", password=DEMO_PASSWORD, device_name="generated client"
            ),
        )
    assert isinstance(answer, models.LoginResponse), answer
    me = answer.practitioner
    with generated.AuthenticatedClient(base_url=server.url, token=answer.token) as client:
        page = _module("api.sync.sync_pull_pull").sync(client=client)
        assert isinstance(page, models.PullResponse), page
        child = next(item for item in page.items if item.payload.record_type == "child")
        item = entry(child.case_id, me.id, [child.record_id], summary="From a generated client.")
        body = models.PushRequest.from_dict({"protocol_version": 1, "items": [item]})
        pushed = _module("api.sync.sync_push_push").sync(client=client, body=body)
    assert isinstance(pushed, models.PushResponse), pushed
    assert [str(result.status) for result in pushed.results] == ["accepted"]
