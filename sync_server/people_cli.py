"""Administrator commands that bring people and cases in, every one audited.

    python -m sync_server add-practitioner [--db PATH] USERNAME --name NAME --role ROLE
        --agency AGENCY --team TEAM          (password: $DOORSTEP_NEW_PASSWORD, else a prompt)
    python -m sync_server open-case [--db PATH] --family-name NAME --address-line1 LINE
        --town TOWN --postcode CODE [--case-id ID] [--allocate USERNAME ...]
    python -m sync_server import-caseload [--db PATH] FILE [--source SYSTEM]   (.json or .csv)

A password never goes on the command line, where other users and shell history would see it.
"""

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from shared.ids import new_id
from shared.vocabulary import Agency, Role
from sync_server.config import load_settings
from sync_server.errors import ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.passwords import PasswordHasher
from sync_server.services.caseload.caseload_format import (
    ImportAddress,
    ImportAllocation,
    ImportFamily,
)
from sync_server.services.caseload.caseload_import import CaseloadImportService, ImportReport
from sync_server.services.caseload.caseload_read import Caseload, plain, read_caseload
from sync_server.services.caseload.practitioners import PractitionerService

PASSWORD_ENV = "DOORSTEP_NEW_PASSWORD"  # noqa: S105 (the variable's name, not a password)
PEOPLE_COMMANDS = ("add-practitioner", "open-case", "import-caseload")

Command = Callable[[Repository, argparse.Namespace], int]
AddCommand = Callable[[str, Command, str], argparse.ArgumentParser]


def _new_password() -> str:
    """The new practitioner's password from the environment, else typed twice at a prompt."""
    if password := os.environ.get(PASSWORD_ENV):
        return password
    if not sys.stdin.isatty():
        raise ValidationFailed.on("password", f"set {PASSWORD_ENV} or run at a terminal")
    first = getpass.getpass("New practitioner's password: ")
    if getpass.getpass("The same again: ") != first:
        raise ValidationFailed.on("password", "the two did not match")
    return first


def _add_practitioner(repository: Repository, args: argparse.Namespace) -> int:
    settings = load_settings()
    hasher = PasswordHasher(settings.password_hash_memory_kib, settings.password_hash_iterations)
    service = PractitionerService(repository, hasher, AuditTrail(repository))
    details = {"username": args.username, "display_name": args.name, "role": args.role,
               "agency": args.agency, "team": args.team}  # fmt: skip
    added = service.add(details, _new_password())
    print(f"Added {added.username} ({added.role.value}, {added.team}); id {added.id}.")
    return 0


def _importer(repository: Repository) -> CaseloadImportService:
    return CaseloadImportService(repository, AuditTrail(repository))


def _open_case(repository: Repository, args: argparse.Namespace) -> int:
    case_id = args.case_id or new_id()
    caseload = Caseload(source="open-case")
    try:
        address = ImportAddress(line1=args.address_line1, town=args.town, postcode=args.postcode)
        family = ImportFamily(
            ref=case_id, family_name=args.family_name, address=address, case_id=case_id
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ValidationFailed.on(str(error["loc"][-1]), plain(error)) from exc
    caseload.rows["family"].append(("the command", family))
    for username in args.allocate or ():
        allocation = ImportAllocation(family_ref=case_id, username=username)
        caseload.rows["allocation"].append(("--allocate", allocation))
    report = _importer(repository).run(caseload, AuditAction.CASE_OPENED)
    state = "opened" if report.stored else "already open (unchanged)"
    print(f"Case {case_id} {state}; {report.allocations} new allocation(s).")
    return 0


def _import_caseload(repository: Repository, args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV may start with a BOM
    except OSError as exc:
        raise ValidationFailed.on("file", "there is no file to read at this path") from exc
    except UnicodeDecodeError as exc:
        raise ValidationFailed.on("file", "is not UTF-8 text (save it as UTF-8)") from exc
    caseload = read_caseload(text, args.source, path.suffix.lower() == ".csv")
    _print_report(_importer(repository).run(caseload))
    return 0


def _print_report(report: ImportReport) -> None:
    print(
        f"Imported {len(report.cases)} case(s): {report.stored} record version(s) stored, "
        f"{report.unchanged} already here, {report.allocations} new allocation(s)."
    )
    if report.kept_local:
        print(f"{report.kept_local} record(s) amended in Doorstep since were left as they are.")


def register(command: AddCommand) -> None:
    """Add this module's commands to the administrator parser."""
    sub = command("add-practitioner", _add_practitioner, "add a practitioner who can sign in")
    sub.add_argument("username")
    sub.add_argument("--name", required=True, help="display name")
    sub.add_argument("--role", required=True, choices=[role.value for role in Role])
    sub.add_argument("--agency", required=True, choices=[agency.value for agency in Agency])
    sub.add_argument("--team", required=True)
    sub = command("open-case", _open_case, "open a family's case and allocate it")
    sub.add_argument("--family-name", required=True)
    sub.add_argument("--address-line1", required=True)
    sub.add_argument("--town", required=True)
    sub.add_argument("--postcode", required=True)
    sub.add_argument("--case-id", help="an id the case already has (default: a new one)")
    sub.add_argument("--allocate", action="append", metavar="USERNAME")
    sub = command("import-caseload", _import_caseload, "import a caseload (.json or .csv)")
    sub.add_argument("file", type=Path)
    sub.add_argument("--source", help="the exporting system's name (CSV only)")
