"""Practitioners and cases from the administrator's commands, and caseload imports (JSON, CSV)."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.protocol import LoginRequest
from shared.synthetic import is_valid_nhs_number
from sync_server.admin_cli import EXIT_REFUSED, admin_command
from sync_server.repository import Repository
from sync_server.services.caseload.caseload_format import published_caseload_schema_text
from sync_server.services.caseload.caseload_import import IMPORT_USERNAME
from sync_server.services.caseload.caseload_read import item_lines
from sync_server.services.caseload.practitioners import MAX_PASSWORD_LENGTH
from tests.sync_server.server_builders import PASSWORD, sign_in, stored_rows

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_JSON = ROOT / "docs/examples/caseload-import.example.json"
EXAMPLE_CSV = ROOT / "docs/examples/caseload-import.example.csv"
CSV_SOURCE = "Synthetic Mosaic export"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands hash as the server's settings say: keep Argon2 cheap in tests."""
    monkeypatch.setenv("DOORSTEP_PASSWORD_HASH_MEMORY_KIB", "64")
    monkeypatch.setenv("DOORSTEP_PASSWORD_HASH_ITERATIONS", "1")
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", PASSWORD)


def run(db: Path, *args: str) -> int:
    return admin_command([args[0], "--db", str(db), *args[1:]])


def add_example_worker(db: Path) -> None:
    details = ("--name", "Example Worker", "--role", "social_worker", "--agency", "CSC")
    assert run(db, "add-practitioner", "example-sw", *details, "--team", "North Oxon") == 0


def counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        allocations = conn.execute("SELECT count(*) FROM allocations").fetchone()[0]
    finally:
        conn.close()
    return len(stored_rows(db)["versions"]), allocations


def audited(repository: Repository, action: str) -> int:
    return len(repository.audit_events(action))


async def test_an_added_practitioner_signs_in_with_the_password_from_the_environment(
    app: Any, db_path: Path, client: AsyncTestClient[Any], repository: Repository,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    add_example_worker(db_path)
    headers = await sign_in(client, "example-sw")
    me = (await client.get("/me", headers=headers)).json()
    assert (me["username"], me["role"]) == ("example-sw", "social_worker")
    assert audited(repository, "practitioner_added") == 1
    assert PASSWORD not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short pass", "be at least 12 characters"),
        ("my Example-SW pass", "not contain the username"),
        ("x" * 201, "be at most 200"),
    ],
)
def test_a_weak_password_is_refused_and_nobody_is_added(
    app: Any, db_path: Path, repository: Repository, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], password: str, why: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("DOORSTEP_NEW_PASSWORD", password)
    status = run(db_path, "add-practitioner", "example-sw", "--name", "Example Worker",
                 "--role", "social_worker", "--agency", "CSC", "--team", "North")  # fmt: skip
    assert status == EXIT_REFUSED
    error = capsys.readouterr().err
    assert f"password: must {why}" in error
    assert password not in error
    assert repository.practitioner_login("example-sw") is None
    assert audited(repository, "practitioner_add_refused") == 1


def test_a_taken_username_is_refused(app: Any, db_path: Path) -> None:
    assert run(db_path, "add-practitioner", "demo-sw", "--name", "Someone", "--role",
               "social_worker", "--agency", "CSC", "--team", "North") == EXIT_REFUSED  # fmt: skip
    assert run(db_path, "add-practitioner", IMPORT_USERNAME, "--name", "Someone", "--role",
               "social_worker", "--agency", "CSC", "--team", "North") == EXIT_REFUSED  # fmt: skip


async def test_an_opened_case_is_allocated_and_opening_it_again_stores_nothing(
    app: Any, db_path: Path, client: AsyncTestClient[Any], repository: Repository
) -> None:
    add_example_worker(db_path)
    case_id = "0190f0a0-0000-7000-8000-00000000c0de"
    args = ("open-case", "--family-name", "Garside", "--address-line1", "4 Mill Lane",
            "--town", "Banbury", "--postcode", "OX16 9ZZ", "--case-id", case_id,
            "--allocate", "example-sw")  # fmt: skip
    before = counts(db_path)
    assert run(db_path, *args) == 0
    after = counts(db_path)
    assert after == (before[0] + 1, before[1] + 1)
    assert run(db_path, *args) == 0
    assert counts(db_path) == after
    headers = await sign_in(client, "example-sw")
    pulled = (await client.get("/sync/pull", headers=headers)).json()
    assert [i["payload"]["family_name"] for i in pulled["items"]] == ["Garside"]
    assert pulled["items"][0]["record_id"] == case_id
    assert audited(repository, "case_opened") == 2  # every run is audited; nothing doubled


async def test_a_json_and_a_csv_caseload_import_once_and_reach_the_allocated_worker(
    app: Any, db_path: Path, client: AsyncTestClient[Any], repository: Repository
) -> None:
    add_example_worker(db_path)
    before = counts(db_path)
    assert run(db_path, "import-caseload", str(EXAMPLE_JSON)) == 0
    assert run(db_path, "import-caseload", str(EXAMPLE_CSV), "--source", CSV_SOURCE) == 0
    once = counts(db_path)
    assert once == (before[0] + 8 + 5, before[1] + 3)
    assert run(db_path, "import-caseload", str(EXAMPLE_JSON)) == 0
    assert run(db_path, "import-caseload", str(EXAMPLE_CSV), "--source", CSV_SOURCE) == 0
    assert counts(db_path) == once
    headers = await sign_in(client, "example-sw")
    pulled = (await client.get("/sync/pull", headers=headers)).json()
    children = {i["payload"]["given_name"] for i in pulled["items"]
                if i["payload"]["record_type"] == "child"}  # fmt: skip
    assert children == {"Poppy", "Alfie", "Kai", "Isla", "Leo"}
    importer = repository.practitioner_login(IMPORT_USERNAME)
    assert importer is not None
    assert repository.practitioner_revoked(importer[0].id)
    assert {i["author_id"] for i in pulled["items"]} == {importer[0].id}
    assert audited(repository, "caseload_imported") == 6  # 3 cases, imported twice


def test_a_bad_csv_row_is_named_by_line_and_field_and_nothing_is_stored(
    app: Any, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    repository: Repository,
) -> None:  # fmt: skip
    add_example_worker(db_path)
    bad = tmp_path / "bad.csv"
    text = EXAMPLE_CSV.read_text().replace("2021-03-17", "17/03/2021")
    bad.write_text(text.replace("female,CP,neglect;emotional", "female,CP,"))
    before = counts(db_path)
    assert run(db_path, "import-caseload", str(bad), "--source", CSV_SOURCE) == EXIT_REFUSED
    error = capsys.readouterr().err
    assert "line 3, cp_categories: a child on a CP plan needs at least one category" in error
    assert "line 4, dob: must be a date like 2024-05-01" in error
    assert "nothing was stored" in error
    assert counts(db_path) == before
    assert repository.practitioner_login(IMPORT_USERNAME) is None
    assert audited(repository, "caseload_import_refused") == 1


def test_a_bad_json_item_is_named_and_a_good_family_beside_it_is_not_stored(
    app: Any, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_example_worker(db_path)
    document = json.loads(EXAMPLE_JSON.read_text())
    document["children"][2]["nhs_number"] = "999 290 4211"
    document["allocations"][1]["username"] = "nobody-here"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document, indent=2))
    before = counts(db_path)
    assert run(db_path, "import-caseload", str(bad)) == EXIT_REFUSED
    error = capsys.readouterr().err
    assert "line 52 (children[2], C-20040), nhs_number: must be 10 digits, no spaces" in error
    assert "line 104 (allocations[1]), username: no practitioner who can sign in has it" in error
    assert counts(db_path) == before


def test_a_changed_record_gets_a_new_version_unless_amended_in_doorstep(
    app: Any, db_path: Path, tmp_path: Path, repository: Repository
) -> None:
    add_example_worker(db_path)
    assert run(db_path, "import-caseload", str(EXAMPLE_JSON)) == 0
    document = json.loads(EXAMPLE_JSON.read_text())
    document["children"][0]["status"] = "CIN"
    document["children"][0]["cp_categories"] = []
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    before = counts(db_path)
    assert run(db_path, "import-caseload", str(changed)) == 0
    assert counts(db_path) == (before[0] + 1, before[1])
    assert run(db_path, "import-caseload", str(changed)) == 0
    assert counts(db_path) == (before[0] + 1, before[1])


def test_the_published_schema_is_current_and_the_examples_are_synthetic() -> None:
    published = (ROOT / "docs/schemas/caseload-import.v1.schema.json").read_text()
    assert published == published_caseload_schema_text(), "run scripts/publish-schemas"
    document = json.loads(EXAMPLE_JSON.read_text())
    jsonschema.Draft202012Validator(json.loads(published)).validate(document)
    numbers = [c["nhs_number"] for c in document["children"]]
    numbers += [line.split(",")[10] for line in EXAMPLE_CSV.read_text().splitlines()[1:]
                if line.startswith("child,")]  # fmt: skip
    assert len(numbers) == 5
    assert not any(is_valid_nhs_number(number) for number in numbers)


def test_the_longest_password_allowed_is_the_longest_sign_in_carries() -> None:
    schema = LoginRequest.model_json_schema()["properties"]["password"]
    assert schema["maxLength"] == MAX_PASSWORD_LENGTH


async def test_a_record_amended_in_doorstep_since_is_kept_when_the_source_changes_it(
    app: Any, db_path: Path, tmp_path: Path, client: AsyncTestClient[Any],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    add_example_worker(db_path)
    assert run(db_path, "import-caseload", str(EXAMPLE_JSON)) == 0
    headers = await sign_in(client, "example-sw")
    items = (await client.get("/sync/pull", headers=headers)).json()["items"]
    poppy = next(i for i in items if i["payload"].get("given_name") == "Poppy")
    amended = {key: poppy[key] for key in ("record_id", "case_id", "device_time", "payload")}
    amended |= {"version_id": new_id(), "replaces_version_id": poppy["version_id"],
                "amend_reason": "Preferred name given by her mother."}  # fmt: skip
    amended["payload"] = {**poppy["payload"], "aliases": ["Pops"]}
    response = await client.post(
        "/sync/push", json={"protocol_version": 1, "items": [amended]}, headers=headers
    )
    assert response.json()["results"][0]["status"] == "accepted"
    document = json.loads(EXAMPLE_JSON.read_text())
    document["children"][0]["given_name"] = "Poppie"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    before = counts(db_path)
    capsys.readouterr()
    assert run(db_path, "import-caseload", str(changed)) == 0
    assert counts(db_path) == before
    assert "1 record(s) amended in Doorstep since were left as they are" in capsys.readouterr().out


def test_a_missing_file_or_a_csv_without_its_source_is_refused_plainly(
    app: Any, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nowhere.json")
    assert run(db_path, "import-caseload", missing) == EXIT_REFUSED
    assert "file: there is no file to read at this path" in capsys.readouterr().err
    assert run(db_path, "import-caseload", str(EXAMPLE_CSV)) == EXIT_REFUSED
    assert "source: name the exporting system" in capsys.readouterr().err


def test_json_items_are_found_by_line_whatever_their_strings_hold() -> None:
    text = (
        '{"source": "odd [ { , \\" ] } source",\n'
        '"families": [{"ref": "F,1", "x": ["[", "{"]},\n'
        "\n"
        '  {"ref": "F2"}], "children": [\n'
        '{"ref": "C1"}, {"ref": "C2"},\n'
        '{"ref": "C3"}], "allocations": []}'
    )
    assert json.loads(text)["families"][0]["ref"] == "F,1"
    assert item_lines(text) == {"families": [2, 4], "children": [5, 5, 6], "allocations": []}
