"""Administrator commands run against the server's database, every one audited.

    python -m sync_server allocate|deallocate [--db PATH] USERNAME CASE_ID
    python -m sync_server revoke-device [--db PATH] DEVICE_ID
    python -m sync_server revoke-user [--db PATH] USERNAME
    python -m sync_server list-devices [--db PATH] [USERNAME]   (revoked, wipe confirmed at)
    python -m sync_server verify-audit [--db PATH]
    python -m sync_server transfer-key|export-transfer|import-transfer ...
        (transfers between authorities' servers: sync_server/authority_cli.py)

They work on the database file directly, so they take effect on a running server at once:
a revoked device's next request is refused with `device_revoked`.
"""

import argparse
import sys
from collections.abc import Callable

from sync_server.authority_cli import AUTHORITY_COMMANDS, add_authority_commands
from sync_server.config import load_settings
from sync_server.errors import ServerError
from sync_server.people_cli import PEOPLE_COMMANDS, register
from sync_server.repository import Repository, open_repository
from sync_server.services import AllocationService, AuditTrail, AuthService
from sync_server.services.access.audit import verify_chain
from sync_server.services.access.passwords import PasswordHasher

EXIT_REFUSED = 2
EXIT_BROKEN_CHAIN = 3

Command = Callable[[Repository, argparse.Namespace], int]


def _auth(repository: Repository) -> AuthService:
    settings = load_settings()
    hasher = PasswordHasher(settings.password_hash_memory_kib, settings.password_hash_iterations)
    return AuthService(repository, hasher, AuditTrail(repository))


def _allocation(repository: Repository, args: argparse.Namespace) -> int:
    service = AllocationService(repository, AuditTrail(repository))
    allocate = args.command == "allocate"
    changed = (service.allocate if allocate else service.deallocate)(args.username, args.case_id)
    state = "allocated to" if allocate else "no longer allocated to"
    print(f"Case {args.case_id} {state} {args.username}{'' if changed else ' (unchanged)'}.")
    return 0


def _revoke_device(repository: Repository, args: argparse.Namespace) -> int:
    if _auth(repository).revoke_device(args.device_id):
        print(f"Device {args.device_id} revoked: its token no longer works.")
        return 0
    print("doorstep: device_id: no live device has this id", file=sys.stderr)
    return EXIT_REFUSED


def _revoke_user(repository: Repository, args: argparse.Namespace) -> int:
    revoked = _auth(repository).revoke_practitioner(args.username)
    print(f"{args.username} can no longer sign in; {len(revoked)} device(s) revoked.")
    for device_id in revoked:
        print(f"  {device_id}")
    return 0


def _list_devices(repository: Repository, args: argparse.Namespace) -> int:
    auth = _auth(repository)
    devices = auth.devices(args.username)
    wipes = auth.wipes([device.id for device in devices])
    print(
        "device_id\tusername\tname\tcreated_at\tlast_seen_at\trevoked_at"
        "\twipe_confirmed_at\tunsynced_lost\tdrafts_lost"
    )
    for device in devices:
        wipe = wipes.get(device.id)
        lost = (str(wipe.unsynced_records), str(wipe.unfinished_drafts)) if wipe else ("-", "-")
        fields = (device.id, device.username, device.name, device.created_at,
                  device.last_seen_at or "-", device.revoked_at or "-",
                  wipe.confirmed_at if wipe else "-", *lost)  # fmt: skip
        print("\t".join(fields))
    return 0


def _verify_audit(repository: Repository, _: argparse.Namespace) -> int:
    report = verify_chain(repository.audit_chain())
    if report.ok:
        print(f"OK: {report.count} audit rows, chain intact.")
        return 0
    print(f"BROKEN: the audit chain breaks at row id {report.broken_id}.", file=sys.stderr)
    return EXIT_BROKEN_CHAIN


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sync_server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, run: Command, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--db", help="SQLite file or postgresql:// URL (default: as the server)")
        sub.set_defaults(run=run)
        return sub

    for name in ("allocate", "deallocate"):
        sub = command(name, _allocation, f"{name} a case to a practitioner")
        sub.add_argument("username")
        sub.add_argument("case_id")
    command("revoke-device", _revoke_device, "revoke one device").add_argument("device_id")
    command("revoke-user", _revoke_user, "revoke a user and all their devices").add_argument(
        "username"
    )
    command("list-devices", _list_devices, "list devices").add_argument("username", nargs="?")
    command("verify-audit", _verify_audit, "walk the audit hash chain")
    add_authority_commands(command)
    register(command)  # add-practitioner, open-case, import-caseload
    return parser


ADMIN_COMMANDS = ("allocate", "deallocate", "revoke-device", "revoke-user", "list-devices",
                  "verify-audit", *AUTHORITY_COMMANDS, *PEOPLE_COMMANDS)  # fmt: skip


def admin_command(argv: list[str]) -> int:
    """Run one administrator command (argv[0] names it); return the exit status."""
    args = _parser().parse_args(argv)
    run: Command = args.run
    try:
        settings = load_settings().with_database(args.db)
        if settings.database_url is None and not settings.db_path.exists():
            print("doorstep: db: there is no database file at this path", file=sys.stderr)
            return EXIT_REFUSED
        repository = open_repository(settings.db_path, settings.database_url)
        try:
            return run(repository, args)
        finally:
            repository.close()
    except ServerError as exc:
        print(f"doorstep: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
