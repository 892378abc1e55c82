"""Issue 13.6 against the real server process: a practitioner and a caseload come in by the
administrator's commands (beside the running server), and that practitioner signs in over HTTP
and pulls the imported children; a bad row stores nothing; importing twice stores nothing twice.
"""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ROOT, ServerProcess

PASSWORD = "a long passphrase for the example worker"
EXAMPLES = ROOT / "docs" / "examples"
CSV_SOURCE = "Synthetic Mosaic export"
CASE_ID = "0190f0a0-0000-7000-8000-0000000e2e01"


def admin(server: ServerProcess, *args: str, expect: int = 0) -> str:
    """Run `python -m sync_server COMMAND --db DB ...`; return what it printed."""
    env = {**os.environ, "DOORSTEP_NEW_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "sync_server", args[0], "--db", str(server.db), *args[1:]],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == expect, f"{args}: {done.returncode}\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def stored(server: ServerProcess) -> tuple[int, int]:
    """Versions and allocation rows, read through a connection of the test's own."""
    conn = sqlite3.connect(server.db)
    try:
        versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        allocations = conn.execute("SELECT count(*) FROM allocations").fetchone()[0]
    finally:
        conn.close()
    return versions, allocations


def sign_in(server: ServerProcess, username: str) -> dict[str, str]:
    body = {"username": username, "password": PASSWORD, "device_name": "e2e phone"}
    response = httpx.post(f"{server.url}/auth/login", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def pulled(server: ServerProcess, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/sync/pull", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


@pytest.fixture(scope="module")
def caseload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of its own, with example-sw added and the example caseloads imported."""
    running = ServerProcess(tmp_path_factory.mktemp("caseload") / "server.db").start()
    try:
        admin(running, "add-practitioner", "example-sw", "--name", "Example Worker",
              "--role", "social_worker", "--agency", "CSC", "--team", "North Oxon")  # fmt: skip
        yield running
    finally:
        running.stop()


def test_a_practitioner_and_a_caseload_added_by_command_reach_a_device_over_http(
    caseload_server: ServerProcess,
) -> None:
    server = caseload_server
    before = stored(server)
    admin(server, "open-case", "--family-name", "Garside", "--address-line1", "4 Mill Lane",
          "--town", "Banbury", "--postcode", "OX16 9ZZ", "--case-id", CASE_ID,
          "--allocate", "example-sw")  # fmt: skip
    out = admin(server, "import-caseload", str(EXAMPLES / "caseload-import.example.json"))
    assert "Imported 2 case(s): 8 record version(s) stored" in out
    csv_file = str(EXAMPLES / "caseload-import.example.csv")
    admin(server, "import-caseload", csv_file, "--source", CSV_SOURCE)
    once = stored(server)
    assert once == (before[0] + 1 + 8 + 5, before[1] + 1 + 2 + 1)

    items = pulled(server, sign_in(server, "example-sw"))
    kinds = [item["payload"]["record_type"] for item in items]
    children = {i["payload"]["given_name"] for i in items if i["payload"]["record_type"] == "child"}
    assert children == {"Poppy", "Alfie", "Kai", "Isla", "Leo"}
    assert (kinds.count("family"), kinds.count("significant_adult")) == (4, 5)
    assert CASE_ID in {item["case_id"] for item in items}

    out = admin(server, "import-caseload", str(EXAMPLES / "caseload-import.example.json"))
    assert "0 record version(s) stored, 8 already here, 0 new allocation(s)" in out
    admin(server, "import-caseload", csv_file, "--source", CSV_SOURCE)
    assert stored(server) == once
    assert "OK:" in admin(server, "verify-audit")


def test_a_bad_row_is_refused_by_line_and_field_and_nothing_is_stored(
    caseload_server: ServerProcess, tmp_path: Path
) -> None:
    server = caseload_server
    text = (EXAMPLES / "caseload-import.example.csv").read_text()
    bad = tmp_path / "new-families.csv"
    # A new family (nothing of it stored yet) whose second child has no date of birth.
    bad.write_text(
        text.replace("F-7001", "F-8001").replace("C-71", "C-81").replace("A-72", "A-82")
        .replace("2021-03-17", "")
    )  # fmt: skip
    before = stored(server)
    out = admin(server, "import-caseload", str(bad), "--source", CSV_SOURCE, expect=2)
    assert "line 4, dob: a child needs a date of birth, or an expected date (edd)" in out
    assert "nothing was stored" in out
    assert stored(server) == before
